#include "gateway/features/ha_payload.hpp"

#include "gateway/features/json.hpp"
#include "gateway/features/utf8.hpp"
#include "gateway/mqtt/topics.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#ifndef MG_SUPPORT_URL
#define MG_SUPPORT_URL ""
#endif

namespace mg::features::ha {
namespace {

// Home Assistant's text entity refuses a state longer than its `max`, and 255 is its ceiling.
constexpr int text_max = 255;

// Timeline states that count as on (README "Home Assistant": running, paused, holding).
constexpr std::string_view timeline_on_states = "('running', 'paused', 'holding_at_end')";

// Event types of the log entity: the level names log entries carry.
constexpr std::array<std::string_view, 7> log_levels{"Critical", "Terse", "Normal", "Extended",
                                                     "Verbose",  "Debug", "Unknown"};

void write(json_writer& w, std::string_view text) {
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void field(json_writer& w, std::string_view key, std::string_view value) {
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    write(w, value);
}

// Text from the controller or the site file: repaired so the payload stays valid UTF-8.
void text_field(json_writer& w, std::string_view key, std::string_view value) {
    field(w, key, valid_utf8(value));
}

// Keeps letters and digits, writes every other byte as _hh: a component key stays a plain
// identifier, and two different names never share one.
std::string key_part(std::string_view name) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (const unsigned char c : name) {
        if (std::isalnum(c)) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('_');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0xf]);
        }
    }
    return out;
}

// A serial as it appears in identifiers and in the config topic, which allows only
// [A-Za-z0-9_-] in its object id.
std::string safe_serial(std::string_view serial) {
    std::string out(serial);
    for (auto& c : out)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-')
            c = '_';
    return out;
}

// A Jinja string literal holding `text`: Jinja reads backslash escapes as Python does.
std::string jinja_literal(std::string_view text) {
    std::string out = "\"";
    for (const char c : valid_utf8(text)) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (static_cast<unsigned char>(c) < 0x20) {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out.push_back(hex[(c >> 4) & 0xf]);
            out.push_back(hex[c & 0xf]);
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
    return out;
}

std::string name_or(std::string_view name, std::string_view kind, int num) {
    if (!name.empty())
        return std::string(name);
    return std::string(kind) + " " + std::to_string(num);
}

std::string temperature_name(std::string_view key) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> known{{
        {"sys_temp", "System temperature"},
        {"core1_temp", "Core 1 temperature"},
        {"core2_temp", "Core 2 temperature"},
        {"ambient_temp", "Ambient temperature"},
        {"cc_temp", "CC temperature"},
        {"gpu_temp", "GPU temperature"},
    }};
    for (const auto& [k, name] : known)
        if (k == key)
            return std::string(name);
    return std::string(key);
}

// Writes the components of one controller; `only_refs` collects their keys and platforms
// instead, so components_of and controller_config can never disagree.
class component_writer {
public:
    component_writer(const discovery_site& site, const controller_model& c, json_writer* w,
                     std::vector<component_ref>* refs)
        : site_(site), c_(c), w_(w), refs_(refs), serial_(safe_serial(c.serial)) {}

    void write_all() {
        for (const auto& [num, name] : c_.groups)
            group(num, name);
        for (const auto& [num, name] : c_.timelines)
            timeline(num, name);
        for (const auto& [num, name] : c_.scenes)
            scene(num, name);
        if (c_.beacon)
            beacon();
        for (const auto& key : c_.temperatures)
            temperature(key);
        connection();
        for (const auto& slot : c_.text_slots)
            text_slot(slot);
        for (const auto& [num, name] : c_.triggers)
            trigger(num, name);
        if (c_.log)
            log();
    }

private:
    std::string topic(std::string_view leaf) const {
        return site_.topics.controller(c_.name, leaf);
    }
    std::string object_topic(std::string_view kind, int num) const {
        return topic(std::string(kind) + "/" + std::to_string(num));
    }

    // Starts a component; false when only its reference was wanted.
    bool begin(std::string_view key, std::string_view platform, std::string_view unique_suffix,
               std::string_view name) {
        if (refs_) {
            refs_->push_back({std::string(key), std::string(platform)});
            return false;
        }
        w_->Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
        w_->StartObject();
        field(*w_, "platform", platform);
        text_field(*w_, "unique_id", "mosaic_" + serial_ + "_" + std::string(unique_suffix));
        text_field(*w_, "name", name);
        return true;
    }
    void end() { w_->EndObject(); }

    void diagnostic() { field(*w_, "entity_category", "diagnostic"); }
    void disabled_by_default() {
        w_->Key("enabled_by_default");
        w_->Bool(false);
    }

    void group(int num, const std::string& name) {
        if (c_.read_only)
            return;
        const auto n = std::to_string(num);
        if (!begin("group_" + n, "light", "group_" + n, name_or(name, "Group", num)))
            return;
        const auto state = object_topic("group", num);
        const auto set = state + "/set";
        field(*w_, "command_topic", set);
        field(*w_, "state_topic", state);
        // Home Assistant ignores a brightness of 0, so on/off comes from the level separately.
        field(*w_, "state_value_template",
              "{{ 'ON' if (value_json.level | int(0)) > 0 else 'OFF' }}");
        field(*w_, "brightness_command_topic", set);
        field(*w_, "brightness_state_topic", state);
        field(*w_, "brightness_value_template", "{{ value_json.level | int(0) }}");
        w_->Key("brightness_scale");
        w_->Int(100);
        // Turning on sends a level (the last one, else full), never a bare ON.
        field(*w_, "on_command_type", "brightness");
        field(*w_, "payload_off", "OFF");
        end();
    }

    void timeline(int num, const std::string& name) {
        if (c_.read_only)
            return;
        const auto n = std::to_string(num);
        if (!begin("timeline_" + n, "switch", "timeline_" + n, name_or(name, "Timeline", num)))
            return;
        const auto state = object_topic("timeline", num);
        field(*w_, "command_topic", state + "/set");
        field(*w_, "state_topic", state);
        field(*w_, "value_template",
              "{{ 'ON' if value_json.state in " + std::string(timeline_on_states) +
                  " else 'OFF' }}");
        field(*w_, "payload_on", "ON");
        field(*w_, "payload_off", "OFF");
        // The object as attributes, but not its position: it changes many times a second and
        // every change would be a row in Home Assistant's recorder.
        field(*w_, "json_attributes_topic", state);
        field(*w_, "json_attributes_template",
              "{{ dict(value_json.items() | rejectattr('0', 'eq', 'position')) | tojson }}");
        end();
    }

    void scene(int num, const std::string& name) {
        if (c_.read_only)
            return;
        const auto n = std::to_string(num);
        if (!begin("scene_" + n, "scene", "scene_" + n, name_or(name, "Scene", num)))
            return;
        field(*w_, "command_topic", object_topic("scene", num) + "/set");
        field(*w_, "payload_on", "ON");
        end();
    }

    void beacon() {
        if (c_.read_only)
            return;
        if (!begin("beacon", "switch", "beacon", "Beacon"))
            return;
        field(*w_, "command_topic", topic("beacon/set"));
        field(*w_, "state_topic", topic("beacon"));
        field(*w_, "value_template", "{{ 'ON' if value_json.on else 'OFF' }}");
        field(*w_, "payload_on", "ON");
        field(*w_, "payload_off", "OFF");
        field(*w_, "icon", "mdi:lighthouse");
        end();
    }

    void temperature(const std::string& key) {
        const auto part = key_part(key);
        if (!begin("temperature_" + part, "sensor", "temperature_" + part, temperature_name(key)))
            return;
        field(*w_, "state_topic", topic("temperature"));
        field(*w_, "value_template", "{{ value_json[" + jinja_literal(key) + "] }}");
        field(*w_, "device_class", "temperature");
        field(*w_, "unit_of_measurement",
              "\xC2\xB0"
              "C");
        field(*w_, "state_class", "measurement");
        diagnostic();
        end();
    }

    void connection() {
        if (!begin("connection", "binary_sensor", "connection", "Connection"))
            return;
        field(*w_, "state_topic", topic("status"));
        field(*w_, "payload_on", "online");
        field(*w_, "payload_off", "offline");
        field(*w_, "device_class", "connectivity");
        diagnostic();
        // Only the gateway's status: a dropped controller shows "disconnected", not
        // "unavailable".
        w_->Key("availability");
        w_->StartArray();
        w_->StartObject();
        field(*w_, "topic", site_.topics.gateway("status"));
        w_->EndObject();
        w_->EndArray();
        end();
    }

    void text_slot(const std::string& slot) {
        if (c_.read_only)
            return;
        const auto part = key_part(slot);
        if (!begin("text_slot_" + part, "text", "text_slot_" + part, slot))
            return;
        text_field(*w_, "command_topic",
                   topic("text_slot/" + mqtt::sanitize_segment(slot) + "/set"));
        field(*w_, "state_topic", topic("text_slot"));
        // C/text_slot holds the reply listing the slots; pick this one, cut to what the entity
        // accepts.
        field(
            *w_, "value_template",
            "{% for s in value_json.text_slots | default([]) if s.name == " + jinja_literal(slot) +
                " %}{{ s.value[:" + std::to_string(text_max) + "] }}{% endfor %}");
        w_->Key("max");
        w_->Int(text_max);
        field(*w_, "mode", "text");
        end();
    }

    void trigger(int num, const std::string& name) {
        if (c_.read_only)
            return;
        const auto n = std::to_string(num);
        if (!begin("trigger_" + n, "button", "trigger_" + n, name_or(name, "Trigger", num)))
            return;
        field(*w_, "command_topic", object_topic("trigger", num) + "/set");
        field(*w_, "payload_press", "{}");
        disabled_by_default();
        end();
    }

    void log() {
        if (!begin("log", "event", "log", "Log"))
            return;
        field(*w_, "state_topic", topic("log"));
        field(*w_, "value_template", "{{ {'event_type': value_json.level} | tojson }}");
        w_->Key("event_types");
        w_->StartArray();
        for (const auto level : log_levels)
            write(*w_, level);
        w_->EndArray();
        disabled_by_default();
        end();
    }

    const discovery_site& site_;
    const controller_model& c_;
    json_writer* w_;
    std::vector<component_ref>* refs_;
    std::string serial_;
};

void write_origin(json_writer& w) {
    w.Key("origin");
    w.StartObject();
    field(w, "name", "mosaic-gateway");
    field(w, "sw_version", MG_VERSION);
    if (std::string_view(MG_SUPPORT_URL).size() > 0)
        field(w, "support_url", MG_SUPPORT_URL);
    w.EndObject();
}

} // namespace

std::string gateway_identifier(std::string_view site) {
    return "mosaic_gw_" + std::string(site);
}

std::string controller_identifier(std::string_view serial) {
    return "mosaic_" + safe_serial(serial);
}

std::string config_topic(std::string_view prefix, std::string_view identifier) {
    return std::string(prefix) + "/device/" + std::string(identifier) + "/config";
}

std::string gateway_config(const discovery_site& site) {
    const auto id = gateway_identifier(site.site);
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    w.Key("device");
    w.StartObject();
    w.Key("identifiers");
    w.StartArray();
    write(w, id);
    w.EndArray();
    field(w, "name", "Mosaic gateway " + site.site);
    field(w, "model", "mosaic-gateway");
    field(w, "sw_version", MG_VERSION);
    w.EndObject();
    write_origin(w);
    w.Key("components");
    w.StartObject();
    w.Key("connection");
    w.StartObject();
    field(w, "platform", "binary_sensor");
    field(w, "unique_id", id + "_connection");
    field(w, "name", "Connection");
    field(w, "state_topic", site.topics.gateway("status"));
    field(w, "payload_on", "online");
    field(w, "payload_off", "offline");
    field(w, "device_class", "connectivity");
    field(w, "entity_category", "diagnostic");
    w.EndObject();
    w.EndObject();
    w.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

std::vector<component_ref> components_of(const controller_model& c) {
    std::vector<component_ref> refs;
    const discovery_site unused;
    component_writer(unused, c, nullptr, &refs).write_all();
    return refs;
}

std::string controller_config(const discovery_site& site, const controller_model& c,
                              std::span<const component_ref> removed) {
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    w.Key("device");
    w.StartObject();
    w.Key("identifiers");
    w.StartArray();
    write(w, controller_identifier(c.serial));
    w.EndArray();
    text_field(w, "name", c.name);
    field(w, "manufacturer", "ETC");
    if (!c.hardware_type.empty())
        text_field(w, "model", c.hardware_type);
    text_field(w, "serial_number", c.serial);
    if (!c.firmware_version.empty())
        text_field(w, "sw_version", c.firmware_version);
    if (!c.configuration_url.empty())
        text_field(w, "configuration_url", c.configuration_url);
    field(w, "via_device", gateway_identifier(site.site));
    w.EndObject();
    write_origin(w);
    w.Key("availability");
    w.StartArray();
    for (const auto& t :
         {site.topics.gateway("status"), site.topics.controller(c.name, "status")}) {
        w.StartObject();
        field(w, "topic", t);
        w.EndObject();
    }
    w.EndArray();
    field(w, "availability_mode", "all");
    w.Key("components");
    w.StartObject();
    component_writer(site, c, &w, nullptr).write_all();
    for (const auto& r : removed) {
        w.Key(r.key.c_str(), static_cast<rapidjson::SizeType>(r.key.size()));
        w.StartObject();
        field(w, "platform", r.platform);
        w.EndObject();
    }
    w.EndObject();
    w.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

} // namespace mg::features::ha
