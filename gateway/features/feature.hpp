#pragma once
// A bridge behaviour. Its constructor only stores references; the gateway calls start() once
// the MQTT sink exists, forwards every controller's link events, and calls stop() last.

#include "gateway/protocol/link.hpp"
#include "gateway/session/controller.hpp"

namespace mg::features {

class feature {
public:
    virtual ~feature() = default;
    virtual void start() {}
    virtual void stop() {}
    virtual void on_controller_added(session::controller&) {}
    virtual void on_controller_removed(session::controller&) {}
    virtual void on_event(session::controller&, const protocol::link_event&) {}
};

} // namespace mg::features
