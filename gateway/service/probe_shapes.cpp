#include "gateway/service/probe_shapes.hpp"

#include <span>
#include <vector>

namespace mg::service {
namespace {

enum class kind { string, integer, number, boolean, array, object };

struct rule {
    std::string_view path; // members joined by '.', "[]" after a member walks its array
    kind expected;
    bool required = false;
};

struct shape {
    std::string_view name;
    std::vector<rule> rules;
};

constexpr bool req = true;

// Requests: what the features read (state topics, Home Assistant, control) and what the
// catalogue documents.
const shape reply_shapes[] = {
    {"system",
     {{"hardware_type", kind::string, req},
      {"serial_number", kind::string, req},
      {"firmware_version", kind::string, req},
      {"channel_capacity", kind::integer}}},
    {"project", {{"name", kind::string, req}, {"author", kind::string}, {"unique_id", kind::string}}},
    {"timeline",
     {{"timelines", kind::array, req},
      {"timelines[].num", kind::integer, req},
      {"timelines[].name", kind::string},
      {"timelines[].state", kind::string},
      {"timelines[].onstage", kind::boolean},
      {"timelines[].position", kind::number},
      {"timelines[].length", kind::number}}},
    {"scene",
     {{"scenes", kind::array, req},
      {"scenes[].num", kind::integer, req},
      {"scenes[].name", kind::string},
      {"scenes[].state", kind::string},
      {"scenes[].onstage", kind::boolean}}},
    {"group",
     {{"groups", kind::array, req},
      {"groups[].num", kind::integer}, // All Fixtures may lack it
      {"groups[].name", kind::string},
      {"groups[].level", kind::number, req}}},
    {"content_target",
     {{"content_targets", kind::array, req},
      {"content_targets[].name", kind::string, req},
      {"content_targets[].level", kind::number}}},
    {"remote_device",
     {{"remote_devices", kind::array, req},
      {"remote_devices[].num", kind::integer, req},
      {"remote_devices[].name", kind::string},
      {"remote_devices[].type", kind::string},
      {"remote_devices[].online", kind::boolean},
      {"remote_devices[].serial", kind::string},
      {"remote_devices[].physical_devices", kind::array},
      {"remote_devices[].physical_devices[].serial", kind::string},
      {"remote_devices[].outputs", kind::array},
      {"remote_devices[].inputs", kind::array}}},
    {"controller", {{"controllers", kind::array, req}, {"controllers[].num", kind::integer}}},
    {"text_slot", {{"text_slots", kind::array, req}, {"text_slots[].name", kind::string, req}}},
    {"trigger",
     {{"triggers", kind::array, req},
      {"triggers[].num", kind::integer, req},
      {"triggers[].name", kind::string}}},
    {"log", {{"log", kind::string, req}}},
    {"network_adapters", {{"adapters", kind::array, req}, {"adapters[].name", kind::string}}},
    {"current_time", {{"datetime", kind::string}, {"uptime", kind::number}}},
    {"protocol", {{"outputs", kind::array, req}}},
    {"input", {{"gpio", kind::array}}},
    {"playback_group",
     {{"playback_groups", kind::array, req}, {"playback_groups[].num", kind::integer}}},
    {"replication", {{"name", kind::string}, {"unique_id", kind::string}}},
    {"io_module",
     {{"modules", kind::array}, {"instances", kind::array}, {"instances[].id", kind::integer}}},
};

// Broadcasts carry single objects for timelines, scenes and groups, whole lists for the rest.
const shape broadcast_shapes[] = {
    {"timeline",
     {{"num", kind::integer, req},
      {"state", kind::string},
      {"onstage", kind::boolean},
      {"position", kind::number}}},
    {"scene", {{"num", kind::integer, req}, {"state", kind::string}, {"onstage", kind::boolean}}},
    {"group", {{"num", kind::integer}, {"level", kind::number, req}}},
    {"beacon", {{"on", kind::boolean, req}}},
    {"log", {{"log", kind::string, req}}},
    {"content_target",
     {{"content_targets", kind::array, req}, {"content_targets[].name", kind::string, req}}},
    {"remote_device",
     {{"remote_devices", kind::array, req},
      {"remote_devices[].num", kind::integer, req},
      {"remote_devices[].serial", kind::string}}},
};

std::string_view expected_text(kind k) {
    switch (k) {
    case kind::string:
        return "a string";
    case kind::integer:
        return "an integer";
    case kind::number:
        return "a number";
    case kind::boolean:
        return "a boolean";
    case kind::array:
        return "an array";
    case kind::object:
        return "an object";
    }
    return "?";
}

std::string_view actual_text(const rapidjson::Value& v) {
    if (v.IsNull())
        return "null";
    if (v.IsBool())
        return "a boolean";
    if (v.IsString())
        return "a string";
    if (v.IsArray())
        return "an array";
    if (v.IsObject())
        return "an object";
    if (v.IsInt64() || v.IsUint64())
        return "an integer";
    return "a fraction";
}

bool matches(const rapidjson::Value& v, kind k) {
    switch (k) {
    case kind::string:
        return v.IsString();
    case kind::integer:
        return v.IsInt64() || v.IsUint64();
    case kind::number:
        return v.IsNumber();
    case kind::boolean:
        return v.IsBool();
    case kind::array:
        return v.IsArray();
    case kind::object:
        return v.IsObject();
    }
    return false;
}

// Walks `path` below `v`; reports the first place that differs (one line per rule at most).
bool check(const rapidjson::Value& v, std::string_view path, const rule& r,
           const std::string& where, std::vector<std::string>& out) {
    const auto dot = path.find('.');
    auto segment = path.substr(0, dot);
    const bool each = segment.ends_with("[]");
    if (each)
        segment.remove_suffix(2);
    const auto rest = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
    const auto here = where + "." + std::string(segment);
    const auto it = v.FindMember(rapidjson::Value(rapidjson::StringRef(
        segment.data(), static_cast<rapidjson::SizeType>(segment.size()))));
    if (it == v.MemberEnd()) {
        // An optional member, or one whose list another rule already reported, is not news.
        if (r.required && rest.empty()) {
            out.push_back(here + " is missing, expected " + std::string(expected_text(r.expected)));
            return true;
        }
        return false;
    }
    const auto& member = it->value;
    if (rest.empty()) {
        if (matches(member, r.expected))
            return false;
        out.push_back(here + " is " + std::string(actual_text(member)) + ", expected " +
                      std::string(expected_text(r.expected)));
        return true;
    }
    if (each) {
        if (!member.IsArray())
            return false; // the rule for the list itself says so
        for (rapidjson::SizeType i = 0; i < member.Size(); ++i) {
            if (!member[i].IsObject())
                continue;
            if (check(member[i], rest, r, here + "[" + std::to_string(i) + "]", out))
                return true;
        }
        return false;
    }
    return member.IsObject() && check(member, rest, r, here, out);
}

std::vector<std::string> differences(std::span<const shape> shapes, std::string_view name,
                                     const rapidjson::Value& data) {
    std::vector<std::string> out;
    const std::string where(name);
    if (!data.IsObject()) {
        // dali_interface is a bare array over HTTP; its WebSocket form is not documented.
        if (name != "dali_interface")
            out.push_back(where + " data is " + std::string(actual_text(data)) +
                          ", expected an object");
        return out;
    }
    for (const auto& s : shapes) {
        if (s.name != name)
            continue;
        for (const auto& r : s.rules)
            check(data, r.path, r, where, out);
    }
    return out;
}

} // namespace

std::vector<std::string> reply_shape_differences(std::string_view name,
                                                 const rapidjson::Value& data) {
    return differences(reply_shapes, name, data);
}

std::vector<std::string> broadcast_shape_differences(std::string_view channel,
                                                     const rapidjson::Value& data) {
    return differences(broadcast_shapes, channel, data);
}

} // namespace mg::service
