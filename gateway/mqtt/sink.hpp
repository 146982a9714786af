#pragma once
// What the bridge needs from an MQTT client. Features publish through this interface only;
// mqtt/paho_sink is the real implementation, tests use a recording one.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace mg::mqtt {

// A message that arrived on a subscribed topic, already on the event loop.
struct inbound_message {
    std::string topic;
    std::string payload;
    std::string response_topic;   // MQTT 5 only; empty otherwise
    std::string correlation_data; // MQTT 5 only
    bool retained = false;        // delivered from the broker's retained store
    // Non-zero: the payload's size, which was over every subscription's limit, so the sink
    // dropped the body before copying it (`payload` is empty). Topic and properties are
    // kept, so that the caller still gets its answer.
    std::size_t oversize = 0;
};

// The limit of a subscription that names none: room for Home Assistant discovery configs,
// which carry a whole controller's entities.
inline constexpr std::size_t default_max_inbound = 1024 * 1024;

using inbound_handler = std::function<void(const inbound_message&)>;

class sink {
public:
    virtual ~sink() = default;

    // Retained state. A payload equal to the topic's last one is not sent again, unless
    // `always` (somebody asked for it). An empty payload clears the topic on the broker.
    virtual void publish_state(std::string_view topic, std::string_view payload,
                               bool always = false) = 0;

    // Clears every retained topic this sink has published whose name starts with `prefix`
    // (a removed controller's `P/<name>/`), in the order they were first published.
    virtual void clear_states(std::string_view prefix) = 0;

    // A non-retained event (log entries, errors, responses); held in order while the broker
    // is away, up to the configured bound.
    virtual void publish_event(std::string_view topic, std::string_view payload,
                               std::string_view correlation_data = {}) = 0;

    // Subscribe to a filter; the handler runs on the event loop. `max_payload` is the largest
    // payload the handler accepts: the sink copies no payload larger than the largest limit
    // of all subscriptions (inbound_message::oversize).
    virtual void subscribe(std::string_view filter, inbound_handler handler,
                           std::size_t max_payload = default_max_inbound) = 0;
    // Drops every handler of exactly this filter and the broker subscription with them.
    virtual void unsubscribe(std::string_view filter) = 0;
};

} // namespace mg::mqtt
