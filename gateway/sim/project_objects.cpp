#include "gateway/sim/project_objects.hpp"

#include "gateway/sim/json.hpp"

namespace mg::sim {

std::string timelines_json(const std::vector<timeline_state>& timelines, const num_filter& filter) {
    return json::list_text("timelines", timelines, [&](json::writer& w, const timeline_state& t) {
        if (!filter.matches(t.num))
            return;
        w.StartObject();
        json::field_int(w, "num", t.num);
        json::field_str(w, "name", t.name);
        json::field_str(w, "group", t.group);
        json::field_int(w, "group_num", t.group_num);
        json::field_int(w, "length", t.length);
        json::field_str(w, "source_bus", "internal");
        json::field_str(w, "timecode_format", "SMPTE30");
        json::field_int(w, "audio_band", 0);
        json::field_str(w, "audio_channel", "combined");
        json::field_bool(w, "audio_peak", false);
        json::field_int(w, "time_offset", 0);
        json::field_str(w, "state", t.state);
        json::field_bool(w, "onstage", t.onstage);
        json::field_int(w, "position", t.position);
        json::field_str(w, "priority", "normal");
        json::key(w, "custom_properties");
        w.StartObject();
        w.EndObject();
        w.EndObject();
    });
}

std::string scenes_json(const std::vector<scene_state>& scenes, const num_filter& filter) {
    return json::list_text("scenes", scenes, [&](json::writer& w, const scene_state& s) {
        if (!filter.matches(s.num))
            return;
        w.StartObject();
        json::field_int(w, "num", s.num);
        json::field_str(w, "name", s.name);
        json::field_str(w, "group", s.group);
        json::field_int(w, "group_num", s.group_num);
        json::field_str(w, "state", s.state);
        json::field_bool(w, "onstage", s.onstage);
        w.EndObject();
    });
}

std::string groups_json(const std::vector<group_state>& groups, const num_filter& filter) {
    return json::list_text("groups", groups, [&](json::writer& w, const group_state& g) {
        if (!filter.matches(g.num))
            return;
        w.StartObject();
        if (g.num != 0)
            json::field_int(w, "num", g.num);
        json::field_str(w, "name", g.name);
        json::field_int(w, "level", g.level);
        w.EndObject();
    });
}

std::string content_targets_json(const std::vector<content_target_state>& targets) {
    return json::list_text("content_targets", targets,
                           [](json::writer& w, const content_target_state& c) {
                               w.StartObject();
                               json::field_str(w, "name", c.name);
                               json::field_int(w, "level", c.level);
                               w.EndObject();
                           });
}

std::string remote_devices_json(const std::vector<remote_device_state>& devices) {
    return json::list_text(
        "remote_devices", devices, [](json::writer& w, const remote_device_state& d) {
            w.StartObject();
            json::field_int(w, "num", d.num);
            json::field_str(w, "name", d.name);
            json::field_str(w, "name_with_type", d.name + " (" + d.type + ")");
            json::field_str(w, "type", d.type);
            json::field_bool(w, "online", d.online);
            json::key(w, "physical_devices");
            w.StartArray();
            w.StartObject();
            json::field_str(w, "serial", d.serial);
            json::field_bool(w, "manual", !d.online);
            // Both are null while no compatible firmware has been seen.
            json::key(w, "firmware_version");
            if (d.online)
                json::string(w, "2.9.1");
            else
                w.Null();
            json::key(w, "needs_firmware_reload");
            if (d.online)
                w.Bool(false);
            else
                w.Null();
            json::field_bool(w, "online", d.online);
            w.EndObject();
            w.EndArray();
            if (!d.outputs.empty()) {
                json::key(w, "outputs");
                w.StartArray();
                for (std::size_t i = 0; i < d.outputs.size(); ++i) {
                    w.StartObject();
                    json::field_int(w, "output", static_cast<std::int64_t>(i + 1));
                    json::field_bool(w, "state", d.outputs[i]);
                    w.EndObject();
                }
                w.EndArray();
            }
            if (!d.analog_inputs.empty()) {
                json::key(w, "inputs");
                w.StartArray();
                for (std::size_t i = 0; i < d.analog_inputs.size(); ++i) {
                    w.StartObject();
                    json::field_int(w, "input", static_cast<std::int64_t>(i + 1));
                    json::field_str(w, "type", "Analog");
                    json::field_int(w, "value", d.analog_inputs[i]);
                    w.EndObject();
                }
                w.EndArray();
            }
            w.EndObject();
        });
}

std::string io_modules_json(const std::vector<io_instance>& instances) {
    return json::object_text([&](json::writer& w) {
        json::key(w, "modules");
        w.StartArray();
        for (const auto& [id, name] : {std::pair{1, "Wait"}, std::pair{2, "Repeat"}}) {
            w.StartObject();
            json::field_int(w, "id", id);
            json::field_str(w, "name", name);
            w.EndObject();
        }
        w.EndArray();
        json::key(w, "instances");
        w.StartArray();
        for (const auto& instance : instances) {
            w.StartObject();
            json::field_int(w, "id", instance.id);
            json::field_int(w, "module_id", instance.module_id);
            json::field_str(w, "name", instance.name);
            json::key(w, "status");
            w.StartArray();
            for (const auto& s : instance.status) {
                w.StartObject();
                json::field_str(w, "key", s.key);
                json::field_str(w, "label", s.label);
                if (s.value)
                    json::field_str(w, "value", *s.value);
                w.EndObject();
            }
            w.EndArray();
            w.EndObject();
        }
        w.EndArray();
    });
}

std::string lua_json(const std::map<std::string, std::string>& variables,
                     std::optional<std::string_view> selected) {
    return json::object_text([&](json::writer& w) {
        if (!selected) {
            for (const auto& [name, value] : variables) {
                json::key(w, name);
                w.RawValue(value.data(), value.size(), rapidjson::kObjectType);
            }
            return;
        }
        std::string_view list = *selected;
        while (!list.empty()) {
            const auto comma = list.find(',');
            const std::string name(list.substr(0, comma));
            json::key(w, name);
            if (const auto it = variables.find(name); it != variables.end())
                w.RawValue(it->second.data(), it->second.size(), rapidjson::kObjectType);
            else
                w.Null(); // an unset Lua global is nil
            if (comma == std::string_view::npos)
                break;
            list.remove_prefix(comma + 1);
        }
    });
}

std::string log_json(const std::vector<protocol::log_entry>& entries) {
    std::string packed;
    for (const auto& entry : entries) {
        if (!packed.empty())
            packed.push_back('\n');
        packed += protocol::pack_log_entry(entry);
    }
    return json::object_text([&](json::writer& w) { json::field_str(w, "log", packed); });
}

} // namespace mg::sim
