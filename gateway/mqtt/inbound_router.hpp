#pragma once
// Routes messages that arrived on the sink's subscriptions to their handlers. Pure: the sink
// subscribes the filters at the broker and feeds what arrives, already on the event loop.

#include "gateway/mqtt/sink.hpp"

#include <deque>
#include <string>

namespace mg::mqtt {

class inbound_router {
public:
    struct route {
        std::string filter;
        inbound_handler handler;
    };

    void add(std::string filter, inbound_handler handler);
    // In the order added, for subscribing again after a reconnect.
    const std::deque<route>& routes() const { return routes_; }

    // Calls every handler whose filter matches the topic and returns how many ran. A handler
    // that throws is logged; the others still run, and the gateway goes on.
    std::size_t dispatch(const inbound_message& message) const;

private:
    // A deque: a handler may add a route while dispatch walks the list.
    std::deque<route> routes_;
};

} // namespace mg::mqtt
