#pragma once
// What the status page shows beside the counters (README "Status page"): each controller's
// state and since when, its latest error, what it said about itself (serial, firmware,
// project), and the last events of the site: connects, drops, authentication failures,
// commands with their outcome, and whatever the gateway notes itself (reloads, the broker).

#include "gateway/features/feature.hpp"

#include <cstddef>
#include <deque>
#include <map>
#include <string>

namespace mg::features {

class status_board final : public feature {
public:
    struct controller_status {
        std::string state = "idle";
        std::string since; // UTC ISO 8601
        std::string last_error;
        std::string serial;
        std::string firmware;
        std::string project;
    };
    struct event {
        std::string t;          // UTC ISO 8601
        std::string controller; // empty: the gateway itself
        std::string text;
    };
    static constexpr std::size_t max_events = 100;

    void on_controller_added(session::controller& c, const controller_context& context) override;
    void on_controller_removed(session::controller& c) override;
    void on_event(session::controller& c, const protocol::link_event& event) override;

    // An event of the gateway itself (controller empty) or about one controller.
    void note(std::string controller, std::string text);

    // Nothing known yet for a controller not added.
    const controller_status& of(std::string_view controller) const;
    // Oldest first, at most max_events.
    const std::deque<event>& events() const { return events_; }

private:
    struct tracked {
        controller_status status;
        bool was_live = false;
        std::string failing; // the error already reported while it keeps failing the same way
    };

    void state_changed(const std::string& name, tracked& t, const protocol::state_changed& c);

    std::map<std::string, tracked, std::less<>> controllers_;
    std::deque<event> events_;
};

} // namespace mg::features
