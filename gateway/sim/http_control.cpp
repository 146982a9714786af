#include "gateway/sim/http_control.hpp"

#include "gateway/sim/catalogue_data.hpp"
#include "gateway/sim/control_body.hpp"
#include "gateway/sim/controller.hpp"
#include "gateway/sim/playback_control.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace mg::sim {
namespace {

int percent(double fraction) {
    return static_cast<int>(std::lround(fraction * 100.0));
}

void require_action(const control_body& body) {
    if (*body.text("action", true) != "master_intensity")
        throw bad_call("'action' must be master_intensity");
}

void control_group(controller& owner, const control_body& body) {
    if (owner.model().has_content_targets())
        throw bad_call("group masters are not available on " + owner.model().hardware());
    body.only({"action", "num", "level", "fade", "delay"});
    require_action(body);
    auto* group = owner.model().group(*body.number("num", true));
    if (group == nullptr)
        throw bad_call("no such group");
    const auto level = *body.level("level", true);
    body.seconds("fade");
    body.seconds("delay"); // checked; applied at once so tests need not wait
    group->level = percent(level);
    owner.publish("group", owner.model().group_frame(*group));
}

// "primary" -> "Primary", "target_3" -> "Target 3" (the mapping is inferred 1:1).
std::string content_target_name(std::string_view type) {
    if (type == "primary")
        return "Primary";
    if (type == "secondary")
        return "Secondary";
    constexpr std::string_view prefix = "target_";
    if (type.starts_with(prefix) && type.size() == prefix.size() + 1 &&
        type.back() >= '3' && type.back() <= '8')
        return "Target " + std::string(1, type.back());
    throw bad_call("'type' must be primary, secondary or target_3 to target_8");
}

void control_content_target(controller& owner, const control_body& body) {
    if (!owner.model().has_content_targets())
        throw bad_call("content targets exist on Atlas and Atlas Pro only");
    body.only({"action", "type", "level", "fade", "delay"});
    require_action(body);
    auto* target =
        owner.model().content_target(content_target_name(body.text("type").value_or("primary")));
    if (target == nullptr)
        throw bad_call("no such content target on " + owner.model().hardware());
    const auto level = *body.level("level", true);
    body.seconds("fade");
    body.seconds("delay");
    target->level = percent(level);
    owner.publish("content_target", owner.model().content_targets_frame());
}

void control_trigger(controller& owner, const control_body& body) {
    body.only({"num", "var", "conditions"});
    const auto num = *body.number("num", true);
    if (!trigger_exists(num))
        throw bad_call("no such trigger");
    body.text("var");
    body.flag("conditions");
    ++owner.stats().triggers_fired;
    // What a controller logs for a trigger fired through the web API.
    const auto utc = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    protocol::log_entry entry{22, 4, 60, utc, "Web API: Enqueue trigger " + std::to_string(num)};
    owner.model().append_log(entry);
    owner.publish("log", owner.model().log_frame(entry));
}

void control_text_slot(controller& owner, const control_body& body) {
    body.only({"name", "value"});
    const auto name = *body.text("name", true);
    const auto value = *body.text("value", true);
    auto& slots = owner.model().text_slots();
    const auto it = std::find_if(slots.begin(), slots.end(),
                                 [&](const text_slot_state& s) { return s.name == name; });
    if (it == slots.end())
        throw bad_call("no such text slot");
    it->value = value; // no channel carries text slots; a request shows the new value
}

void control_beacon(controller& owner, std::string_view method, const control_body& body) {
    auto& on = owner.model().beacon();
    if (method == "POST") {
        if (!body.empty())
            throw bad_call("POST /api/beacon takes no body (it toggles); PUT sets it");
        on = !on;
    } else {
        body.only({"enable"});
        on = *body.flag("enable", true);
    }
    owner.publish("beacon", owner.model().beacon_frame());
}

http_reply error_reply(unsigned status, std::string_view message) {
    return {status,
            json::object_text([&](json::writer& w) { json::field_str(w, "error", message); }),
            "application/json",
            {}};
}

} // namespace

http_reply handle_http_control(controller& owner, std::string_view method, std::string_view name,
                               std::string_view body) {
    const bool post = method == "POST";
    const bool put = method == "PUT";
    const bool known = name == "timeline" || name == "scene" || name == "group" ||
                       name == "content_target" || name == "trigger" || name == "text_slot" ||
                       name == "beacon";
    if (!known)
        return error_reply(404, "no such control endpoint");
    const bool allowed = name == "text_slot" ? put : name == "beacon" ? post || put : post;
    if (!allowed)
        return error_reply(405, "method not allowed here");
    try {
        const control_body parsed(body);
        if (name == "timeline")
            control_timeline(owner, parsed);
        else if (name == "scene")
            control_scene(owner, parsed);
        else if (name == "group")
            control_group(owner, parsed);
        else if (name == "content_target")
            control_content_target(owner, parsed);
        else if (name == "trigger")
            control_trigger(owner, parsed);
        else if (name == "text_slot")
            control_text_slot(owner, parsed);
        else
            control_beacon(owner, method, parsed);
    } catch (const bad_call& e) {
        return error_reply(400, e.what());
    }
    return {204, {}, {}, {}};
}

} // namespace mg::sim
