#include "gateway/sim/playback_control.hpp"

#include "gateway/sim/control_body.hpp"
#include "gateway/sim/control_values.hpp"
#include "gateway/sim/controller.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace mg::sim {
namespace {

// The simulated show's only timeline flag, at the same place in every timeline.
constexpr std::string_view flag_name = "Start sparkle";
constexpr int flag_position_ms = 10'000;

template <std::size_t N>
std::string_view one_of(const control_body& body, std::string_view name,
                        const std::array<std::string_view, N>& allowed) {
    const auto value = *body.text(name, true);
    if (std::find(allowed.begin(), allowed.end(), value) == allowed.end())
        throw bad_call("unknown " + std::string(name) + " '" + std::string(value) + "'");
    return value;
}

// `group`: a playback group's name (a leading '!' means every group but that one) or number.
struct group_selector {
    std::string name;
    int num = -1;
    bool except = false;

    template <class Object> bool selects(const Object& o) const {
        const bool in = num >= 0 ? o.group_num == num : o.group == name;
        return in != except;
    }
};

template <class Object>
std::optional<group_selector> read_group(const control_body& body,
                                         const std::vector<Object>& objects) {
    const auto* v = json::member(body.value(), "group");
    if (v == nullptr)
        return std::nullopt;
    group_selector g;
    if (v->IsString()) {
        std::string_view name{v->GetString(), v->GetStringLength()};
        g.except = name.starts_with('!');
        g.name = name.substr(g.except ? 1 : 0);
    } else if (v->IsInt() && v->GetInt() >= 0) {
        g.num = v->GetInt();
    } else {
        throw bad_call("'group' must be a playback group name or number");
    }
    if (std::none_of(objects.begin(), objects.end(), [&](const Object& o) {
            return g.num >= 0 ? o.group_num == g.num : o.group == g.name;
        }))
        throw bad_call("no such playback group");
    return g;
}

// Which other objects "release others" and the all-objects actions reach.
template <class Object>
group_selector scope_of(const std::optional<group_selector>& group,
                        const std::optional<bool>& same_group, const Object* target) {
    if (group)
        return *group;
    if (same_group.value_or(false) && target != nullptr)
        return {target->group, -1, false};
    return {{}, -1, true}; // "every group but none": all of them
}

template <class Object>
Object* target_of(const control_body& body, bool required, std::vector<Object>& objects,
                  std::string_view what) {
    const auto num = body.number("num", required);
    if (!num)
        return nullptr;
    const auto it = std::find_if(objects.begin(), objects.end(),
                                 [&](const Object& o) { return o.num == *num; });
    if (it == objects.end())
        throw bad_call("no such " + std::string(what) + " " + std::to_string(*num));
    return &*it;
}

bool active(const timeline_state& t) {
    return t.state == "running" || t.state == "paused" || t.state == "holding_at_end";
}

void start(timeline_state& t) {
    if (!active(t))
        t.position = 0;
    t.state = "running";
    t.onstage = true;
}

void release(timeline_state& t) {
    t.state = "released";
    t.onstage = false;
}

int position_of(const control_body& body, const timeline_state& t) {
    const int given = (body.has("position") ? 1 : 0) + (body.has("time") ? 1 : 0) +
                      (body.has("flag") ? 1 : 0);
    if (given != 1)
        throw bad_call("set_position takes exactly one of 'position', 'time' and 'flag'");
    if (const auto text = body.text("position")) {
        const auto fraction = parse_position(*text);
        if (!fraction)
            throw bad_call(R"('position' must be a string "0.0"-"1.0" or "n:max")");
        return static_cast<int>(std::lround(*fraction * t.length));
    }
    if (const auto seconds = body.seconds("time"))
        return static_cast<int>(std::min<double>(t.length, std::round(*seconds * 1000)));
    if (*body.text("flag") != flag_name)
        throw bad_call("no such timeline flag");
    return flag_position_ms;
}

double rate_of(const control_body& body) {
    const auto rate = parse_rate(*body.text("rate", true));
    if (!rate)
        throw bad_call(R"('rate' must be a decimal string ("0.5") or "n:max")");
    return *rate;
}

// Broadcasts the target (always, as the call named it) and every other object that changed.
template <class Object, class Frame>
void announce(controller& owner, std::string_view channel, const Object* target,
              const std::vector<Object*>& changed, Frame frame) {
    if (target != nullptr)
        owner.publish(channel, frame(*target));
    for (const auto* o : changed)
        if (o != target)
            owner.publish(channel, frame(*o));
}

} // namespace

void control_timeline(controller& owner, const control_body& body) {
    static constexpr std::array<std::string_view, 8> actions{
        "start", "start_release_others", "release", "toggle", "pause", "resume", "set_rate",
        "set_position"};
    body.only({"action", "num", "fade", "rate", "position", "time", "flag", "group",
               "same_group"});
    const auto action = one_of(body, "action", actions);
    auto& timelines = owner.model().timelines();
    // Only release, pause and resume may leave out `num`: they then act on every timeline.
    const bool all_allowed = action == "release" || action == "pause" || action == "resume";
    auto* target = target_of(body, !all_allowed, timelines, "timeline");
    body.seconds("fade"); // checked; the simulated show has no fades
    const auto group = read_group(body, timelines);
    const auto same_group = body.flag("same_group");
    if (body.has("rate") && action != "set_rate")
        rate_of(body); // checked even where it has no effect

    std::vector<timeline_state*> changed;
    const auto scope = scope_of(group, same_group, target);
    auto each_other = [&](auto&& applies, auto&& apply) {
        for (auto& t : timelines)
            if (&t != target && scope.selects(t) && applies(t)) {
                apply(t);
                changed.push_back(&t);
            }
    };
    const auto is = [](std::string_view state) {
        return [state](const timeline_state& t) { return t.state == state; };
    };

    if (action == "start") {
        start(*target);
    } else if (action == "start_release_others") {
        start(*target);
        each_other(active, release);
    } else if (action == "release") {
        if (target != nullptr)
            release(*target);
        else
            each_other(active, release);
    } else if (action == "toggle") {
        if (active(*target))
            release(*target);
        else
            start(*target);
    } else if (action == "pause" || action == "resume") {
        const bool pause = action == "pause";
        const auto from = pause ? "running" : "paused";
        const auto to = pause ? "paused" : "running";
        if (target != nullptr && target->state == from)
            target->state = to;
        else if (target == nullptr)
            each_other(is(from), [to](timeline_state& t) { t.state = to; });
    } else if (action == "set_rate") {
        target->rate = rate_of(body);
        return; // the rate is in no state message
    } else {
        target->position = position_of(body, *target);
    }
    announce(owner, "timeline", target, changed,
             [&](const timeline_state& t) { return owner.model().timeline_frame(t); });
}

void control_scene(controller& owner, const control_body& body) {
    static constexpr std::array<std::string_view, 4> actions{"start", "start_release_others",
                                                             "release", "toggle"};
    body.only({"action", "num", "fade", "group", "same_group"});
    const auto action = one_of(body, "action", actions);
    auto& scenes = owner.model().scenes();
    auto* target = target_of(body, action != "release", scenes, "scene");
    body.seconds("fade");
    const auto group = read_group(body, scenes);
    const auto scope = scope_of(group, body.flag("same_group"), target);

    const auto set = [](scene_state& s, bool on) {
        s.state = on ? "started" : "released";
        s.onstage = on;
    };
    std::vector<scene_state*> changed;
    const auto release_others = [&] {
        for (auto& s : scenes)
            if (&s != target && scope.selects(s) && s.state == "started") {
                set(s, false);
                changed.push_back(&s);
            }
    };
    if (action == "start") {
        set(*target, true);
    } else if (action == "start_release_others") {
        set(*target, true);
        release_others();
    } else if (action == "release") {
        if (target != nullptr)
            set(*target, false);
        else
            release_others();
    } else {
        set(*target, target->state != "started");
    }
    announce(owner, "scene", target, changed,
             [&](const scene_state& s) { return owner.model().scene_frame(s); });
}

} // namespace mg::sim
