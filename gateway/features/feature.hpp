#pragma once
// A bridge behaviour. Its constructor only stores references; the gateway calls start() once
// the MQTT sink exists, forwards every controller's link events, and calls stop() last.

#include "gateway/protocol/link.hpp"
#include "gateway/session/controller.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace mg::features {

// What features know of a controller from the site file. It arrives with
// on_controller_added, so no feature looks into the gateway's sessions; a reload that changes
// any of it restarts the controller, which brings a new one.
struct controller_context {
    bool read_only = false;            // takes no commands
    std::vector<std::string> channels; // the channels it is subscribed to
    std::string web_url;               // its web page: the scheme, host and port of its url

    bool subscribed(std::string_view channel) const {
        return std::find(channels.begin(), channels.end(), channel) != channels.end();
    }
};

class feature {
public:
    virtual ~feature() = default;
    virtual void start() {}
    virtual void stop() {}
    virtual void on_controller_added(session::controller&, const controller_context&) {}
    virtual void on_controller_removed(session::controller&) {}
    // The controller left the site file for good (a reload), after on_controller_removed; a
    // controller that only restarts is removed and added again without this.
    virtual void on_controller_gone(const std::string&) {}
    virtual void on_event(session::controller&, const protocol::link_event&) {}
    // The broker connection came up (each time).
    virtual void on_broker_connected() {}
};

} // namespace mg::features
