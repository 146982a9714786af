#include "gateway/sim/project_model.hpp"

#include "gateway/protocol/messages.hpp"
#include "gateway/sim/catalogue_data.hpp"
#include "gateway/sim/json.hpp"
#include "gateway/sim/num_filter.hpp"

#include <algorithm>

namespace mg::sim {
namespace {

// The documented examples' envelopes for the channels that do not use `broadcast` (quirk 1).
constexpr std::uint64_t content_target_envelope_id = 5;
constexpr std::uint64_t io_module_envelope_id = 1;

num_filter filter_of(const rapidjson::Value& message) {
    const auto* num = json::member(message, "num");
    if (num == nullptr)
        return {};
    if (num->IsInt())
        return num_filter::single(num->GetInt());
    if (num->IsString())
        return num_filter::parse({num->GetString(), num->GetStringLength()})
            .value_or(num_filter::nothing());
    return num_filter::nothing();
}

void write_sent_ns(json::writer& w, std::optional<std::int64_t> sent_ns) {
    if (sent_ns)
        json::field_int(w, "sent_ns", *sent_ns);
}

} // namespace

project_model::project_model(std::string hardware, std::size_t index)
    : hardware_(std::move(hardware)), index_(index) {
    for (int num = 1; num <= 4; ++num) {
        const bool a = num <= 2;
        timeline_state t;
        t.num = num;
        t.name = "Timeline " + std::to_string(num);
        t.group = a ? "A" : "B";
        t.group_num = a ? 1 : 2;
        timelines_.push_back(t);
        scenes_.push_back(
            {num, "Scene " + std::to_string(num), t.group, t.group_num, "none", false});
    }
    groups_.push_back({0, "All Fixtures", 100});
    for (int num = 1; num <= 3; ++num)
        groups_.push_back({num, "Group " + std::to_string(num), 100});
    content_targets_ = {{"Primary", 100}, {"Secondary", 100}};
    if (hardware_ == "Atlas Pro")
        for (int n = 3; n <= 8; ++n)
            content_targets_.push_back({"Target " + std::to_string(n), 100});
    text_slots_ = {{"welcome", "Hello World!"}, {"room", "Ballroom"}, {"notice", ""}};
    remote_devices_.push_back(
        {1, "Lobby RIO", "RIO 44", true, "001234", {false, false, true, false}, {0, 128, 255, 64}});
    remote_devices_.push_back({2, "Ballroom Touch Screen", "TPS 5", false, "004321", {}, {}});
    io_instances_.push_back({1, 1, "Wait Instance 1", {{"currentWaits", "Current Waits", {}}}});
    io_instances_.push_back(
        {2, 2, "Repeat Module", {{"currentCount", "Current Occurrence Count", "136"}}});
    lua_ = {{"slider_level", "56"}, {"mode", R"("day")"}, {"colour", R"({"r":255,"g":128,"b":0})"}};
    // The documented entries, plus a Debug entry whose level byte equals the start marker.
    log_ = {{16, 4, 60, 0x68907800, "Controller started"},
            {21, 4, 60, 0x68907857, "ACTION Start Timeline Timeline 2"},
            {22, 4, 60, 0x68907857, "Web API: Enqueue trigger 2"},
            {17, 7, 60, 0x68907860, "Project loaded"}};
}

std::optional<std::string> project_model::reply_data(std::string_view name,
                                                     const rapidjson::Value& message) const {
    if (const auto it = overrides_.find(name); it != overrides_.end())
        return it->second;
    if (name == "timeline")
        return timelines_json(timelines_, filter_of(message));
    if (name == "scene")
        return scenes_json(scenes_, filter_of(message));
    if (name == "group")
        return groups_json(groups_, filter_of(message));
    if (name == "content_target")
        return content_targets_json(content_targets_);
    if (name == "remote_device")
        return remote_devices_json(remote_devices_);
    if (name == "io_module")
        return io_modules_json(io_instances_);
    if (name == "log")
        return log_json(log_);
    if (name == "lua")
        return lua_json(lua_, json::get_string(message, "variables"));
    if (name == "output") {
        const auto universe = json::get_string(message, "universe");
        if (!universe)
            return std::nullopt; // required, and the docs define no error reply
        return output_data(*universe, group_levels());
    }
    if (name == "current_time")
        return current_time_data();
    if (name == "text_slot")
        return text_slot_data(message, text_slots_);
    if (name == "trigger")
        return trigger_data(message);
    if (name == "playback_group")
        return playback_group_data(filter_of(message));
    return fixed_reply_data(name, hardware_, index_);
}

void project_model::set_reply_override(std::string name, std::optional<std::string> data_json) {
    if (data_json)
        overrides_[std::move(name)] = std::move(*data_json);
    else
        overrides_.erase(name);
}

timeline_state* project_model::timeline(int num) {
    const auto it = std::find_if(timelines_.begin(), timelines_.end(),
                                 [num](const auto& t) { return t.num == num; });
    return it == timelines_.end() ? nullptr : &*it;
}

scene_state* project_model::scene(int num) {
    const auto it =
        std::find_if(scenes_.begin(), scenes_.end(), [num](const auto& s) { return s.num == num; });
    return it == scenes_.end() ? nullptr : &*it;
}

group_state* project_model::group(int num) {
    const auto it =
        std::find_if(groups_.begin(), groups_.end(), [num](const auto& g) { return g.num == num; });
    return it == groups_.end() ? nullptr : &*it;
}

content_target_state* project_model::content_target(std::string_view name) {
    const auto it = std::find_if(content_targets_.begin(), content_targets_.end(),
                                 [name](const auto& c) { return c.name == name; });
    return it == content_targets_.end() ? nullptr : &*it;
}

bool project_model::has_content_targets() const {
    return hardware_.starts_with("Atlas");
}

void project_model::append_log(protocol::log_entry entry) {
    log_.push_back(std::move(entry));
}

std::vector<int> project_model::group_levels() const {
    std::vector<int> levels;
    for (const auto& g : groups_)
        if (g.num != 0)
            levels.push_back(g.level);
    return levels;
}

std::string project_model::timeline_frame(const timeline_state& t,
                                          std::optional<std::int64_t> sent_ns) const {
    return protocol::broadcast_message("timeline", json::object_text([&](json::writer& w) {
                                           json::field_int(w, "num", t.num);
                                           json::field_str(w, "state", t.state);
                                           json::field_bool(w, "onstage", t.onstage);
                                           json::field_int(w, "position", t.position);
                                           write_sent_ns(w, sent_ns);
                                       }));
}

std::string project_model::scene_frame(const scene_state& s) const {
    return protocol::broadcast_message("scene", json::object_text([&](json::writer& w) {
                                           json::field_int(w, "num", s.num);
                                           json::field_bool(w, "onstage", s.onstage);
                                           json::field_str(w, "state", s.state);
                                       }));
}

std::string project_model::group_frame(const group_state& g,
                                       std::optional<std::int64_t> sent_ns) const {
    return protocol::broadcast_message("group", json::object_text([&](json::writer& w) {
                                           json::field_int(w, "level", g.level);
                                           json::field_str(w, "name", g.name);
                                           if (g.num != 0)
                                               json::field_int(w, "num", g.num);
                                           write_sent_ns(w, sent_ns);
                                       }));
}

std::string project_model::content_targets_frame() const {
    return protocol::reply_message("content_target", content_target_envelope_id,
                                   content_targets_json(content_targets_));
}

std::string project_model::remote_devices_frame() const {
    // Neither `broadcast` nor `request`: only `data`, as the documented example.
    return R"({"data":)" + remote_devices_json(remote_devices_) + "}";
}

std::string project_model::io_modules_frame() const {
    return protocol::reply_message("io_module", io_module_envelope_id,
                                   io_modules_json(io_instances_));
}

std::string project_model::beacon_frame() const {
    return protocol::broadcast_message(
        "beacon", json::object_text([&](json::writer& w) { json::field_bool(w, "on", beacon_); }));
}

std::string project_model::lua_frame(const std::string& name) const {
    const auto it = lua_.find(name);
    const std::string value = it == lua_.end() ? "null" : it->second;
    return protocol::broadcast_message("lua", json::object_text([&](json::writer& w) {
                                           json::key(w, name);
                                           w.RawValue(value.data(), value.size(),
                                                      rapidjson::kObjectType);
                                       }));
}

std::string project_model::log_frame(const protocol::log_entry& entry) const {
    return protocol::broadcast_message("log", json::object_text([&](json::writer& w) {
                                           json::field_str(w, "log",
                                                           protocol::pack_log_entry(entry));
                                       }));
}

} // namespace mg::sim
