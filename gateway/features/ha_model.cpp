#include "gateway/features/ha_model.hpp"

#include "gateway/features/json.hpp"
#include "gateway/protocol/json_access.hpp"

#include <algorithm>
#include <limits>

namespace mg::features::ha {
namespace {

using protocol::member;

std::string text_of(const rapidjson::Value& object, const char* name) {
    const auto* value = member(object, name);
    return value ? std::string(string_view_of(*value)) : std::string();
}

bool assign(std::string& to, std::string value) {
    if (to == value)
        return false;
    to = std::move(value);
    return true;
}

bool apply_system(controller_model& m, const rapidjson::Value& data) {
    const auto serial = text_of(data, "serial_number");
    if (serial.empty())
        return false; // a reply without a serial cannot name a device
    bool changed = assign(m.serial, serial);
    changed |= assign(m.hardware_type, text_of(data, "hardware_type"));
    changed |= assign(m.firmware_version, text_of(data, "firmware_version"));
    return changed;
}

// Numbered objects of a list reply. Objects without a number are skipped, except the All
// Fixtures group, which carries none (docs/protocol.md §5.3) and is group 0.
bool apply_numbered(std::map<int, std::string>& objects, const rapidjson::Value& data,
                    const char* list, bool is_group, reply_scope scope) {
    const auto* items = member(data, list);
    if (!items || !items->IsArray())
        return false;
    std::map<int, std::string> seen;
    for (const auto& item : items->GetArray()) {
        if (!item.IsObject())
            continue;
        const auto* num = member(item, "num");
        int n = 0;
        if (num && num->IsInt64() && num->GetInt64() >= 0 &&
            num->GetInt64() <= std::numeric_limits<int>::max())
            n = static_cast<int>(num->GetInt64());
        else if (num || !is_group)
            continue;
        seen[n] = text_of(item, "name");
    }
    if (scope == reply_scope::partial) {
        bool changed = false;
        for (auto& [n, name] : seen) {
            auto it = objects.find(n);
            if (it == objects.end() || it->second != name) {
                objects[n] = name;
                changed = true;
            }
        }
        return changed;
    }
    if (seen == objects)
        return false;
    objects = std::move(seen);
    return true;
}

bool apply_names(std::vector<std::string>& names, std::vector<std::string> seen,
                 reply_scope scope) {
    if (scope == reply_scope::partial) {
        for (const auto& n : names)
            seen.push_back(n);
    }
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
    if (seen == names)
        return false;
    names = std::move(seen);
    return true;
}

bool apply_text_slots(controller_model& m, const rapidjson::Value& data, reply_scope scope) {
    const auto* items = member(data, "text_slots");
    if (!items || !items->IsArray())
        return false;
    std::vector<std::string> seen;
    for (const auto& item : items->GetArray())
        if (const auto* name = member(item, "name"); name && name->IsString())
            seen.emplace_back(string_view_of(*name));
    return apply_names(m.text_slots, std::move(seen), scope);
}

// Every number in the flat temperature reply is one sensor; which keys appear depends on the
// hardware (docs/protocol.md §5.7).
bool apply_temperature(controller_model& m, const rapidjson::Value& data) {
    if (!data.IsObject())
        return false;
    std::vector<std::string> seen;
    for (const auto& entry : data.GetObject())
        if (entry.value.IsNumber())
            seen.emplace_back(string_view_of(entry.name));
    return apply_names(m.temperatures, std::move(seen), reply_scope::whole);
}

} // namespace

bool apply_reply(controller_model& model, std::string_view request, const rapidjson::Value& data,
                 reply_scope scope) {
    if (request == "system")
        return apply_system(model, data);
    if (request == "timeline")
        return apply_numbered(model.timelines, data, "timelines", false, scope);
    if (request == "scene")
        return apply_numbered(model.scenes, data, "scenes", false, scope);
    if (request == "group")
        return apply_numbered(model.groups, data, "groups", true, scope);
    if (request == "trigger")
        return apply_numbered(model.triggers, data, "triggers", false, scope);
    if (request == "text_slot")
        return apply_text_slots(model, data, scope);
    if (request == "temperature")
        return apply_temperature(model, data);
    return false;
}

} // namespace mg::features::ha
