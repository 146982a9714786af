#pragma once
// Routes messages that arrived on the sink's subscriptions to their handlers. Pure: the sink
// subscribes the filters at the broker and feeds what arrives, already on the event loop.

#include "gateway/mqtt/sink.hpp"

#include <deque>
#include <string>
#include <vector>

namespace mg::mqtt {

class inbound_router {
public:
    struct route {
        std::string filter;
        inbound_handler handler;
    };

    void add(std::string filter, inbound_handler handler);
    // Drops every route of exactly this filter. During a dispatch the routes only lose their
    // handler, so the walk stays valid; a later remove() outside one erases them. A handler
    // removed during a dispatch (its own, say) is destroyed only once the dispatch returns:
    // the running one still uses its captures.
    void remove(std::string_view filter);
    // In the order added, for subscribing again after a reconnect; a route without a handler
    // was removed.
    const std::deque<route>& routes() const { return routes_; }

    // Calls every handler whose filter matches the topic and returns how many ran. A handler
    // that throws is logged; the others still run, and the gateway goes on.
    std::size_t dispatch(const inbound_message& message) const;

private:
    // A deque: a handler may add a route while dispatch walks the list.
    std::deque<route> routes_;
    mutable int dispatching_ = 0;
    // Handlers removed while a dispatch ran, kept alive until the outermost one returns.
    mutable std::vector<inbound_handler> retired_;
};

} // namespace mg::mqtt
