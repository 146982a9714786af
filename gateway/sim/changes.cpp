#include "gateway/sim/changes.hpp"

#include <algorithm>
#include <chrono>

namespace mg::sim {
namespace {

class chooser {
public:
    explicit chooser(std::mt19937_64& rng) : rng_(rng) {}
    int below(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }
    template <class T> T& one_of(std::vector<T>& items) {
        return items[static_cast<std::size_t>(below(static_cast<int>(items.size())))];
    }

private:
    std::mt19937_64& rng_;
};

change timeline_change(project_model& model, chooser& choose) {
    auto& t = choose.one_of(model.timelines());
    if (t.state == "running") {
        switch (choose.below(3)) {
        case 0:
            t.position = std::min(t.length, t.position + 1000 + choose.below(5000));
            if (t.position == t.length)
                t.state = "holding_at_end";
            break;
        case 1:
            t.state = "paused";
            break;
        default:
            t.state = "released";
            t.onstage = false;
            break;
        }
    } else if (t.state == "paused") {
        t.state = "running";
    } else {
        t.state = "running";
        t.onstage = true;
        t.position = 0;
    }
    return {"timeline", model.timeline_frame(t)};
}

change scene_change(project_model& model, chooser& choose) {
    auto& s = choose.one_of(model.scenes());
    const bool start = s.state != "started";
    s.state = start ? "started" : "released";
    s.onstage = start;
    return {"scene", model.scene_frame(s)};
}

change io_module_change(project_model& model, chooser& choose) {
    auto& instance = choose.one_of(model.io_instances());
    auto& status = instance.status.front();
    const int current = status.value ? std::stoi(*status.value) : 0;
    status.value = std::to_string(current + 1 + choose.below(3));
    return {"io_module", model.io_modules_frame()};
}

change log_change(project_model& model, chooser& choose) {
    const auto utc = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    protocol::log_entry entry{22, 4, 60, utc,
                              "Web API: Enqueue trigger " + std::to_string(1 + choose.below(3))};
    model.append_log(entry);
    return {"log", model.log_frame(entry)};
}

} // namespace

change random_change(project_model& model, std::mt19937_64& rng) {
    chooser choose(rng);
    const int roll = choose.below(100);
    if (roll < 30)
        return timeline_change(model, choose);
    if (roll < 50)
        return scene_change(model, choose);
    if (roll < 70) {
        auto& g = choose.one_of(model.groups());
        g.level = choose.below(101);
        return {"group", model.group_frame(g)};
    }
    if (roll < 75) {
        choose.one_of(model.content_targets()).level = choose.below(101);
        return {"content_target", model.content_targets_frame()};
    }
    if (roll < 80) {
        auto& d = choose.one_of(model.remote_devices());
        d.online = !d.online;
        return {"remote_device", model.remote_devices_frame()};
    }
    if (roll < 85)
        return io_module_change(model, choose);
    if (roll < 90) {
        model.beacon() = !model.beacon();
        return {"beacon", model.beacon_frame()};
    }
    if (roll < 95) {
        model.lua_variables()["slider_level"] = std::to_string(choose.below(101));
        return {"lua", model.lua_frame("slider_level")};
    }
    return log_change(model, choose);
}

change flood_change(project_model& model, std::uint64_t sequence, std::int64_t sent_ns) {
    const auto step = sequence / 2;
    if (sequence % 2 == 0) {
        auto* g = model.group(static_cast<int>(1 + step % 3));
        g->level = static_cast<int>(step % 101);
        return {"group", model.group_frame(*g, sent_ns)};
    }
    auto* t = model.timeline(static_cast<int>(1 + step % 4));
    t->state = "running";
    t->onstage = true;
    t->position = (t->position + 40) % t->length;
    return {"timeline", model.timeline_frame(*t, sent_ns)};
}

} // namespace mg::sim
