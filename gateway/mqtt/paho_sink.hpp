#pragma once
// The sink over a real broker. Paho stays behind this header: callers see the sink interface,
// a few counters and start/stop.
//
// Threading: every member is called on the event loop `loop`, and everything Paho reports from
// its own threads is posted there before it touches any state, so nothing here takes a lock.
// Publish confirmations are posted to a queue the loop takes in whenever it publishes, and wake
// it only while messages wait for one: most confirmations then cost no wake-up of their own.
//
// Delivery: while the broker is away, state is coalesced per topic and
// events are held in order up to `buffer_messages`. On every (re)connect the sink subscribes
// again, then republishes every retained topic (the broker may have restarted without
// persistence) and the held events, with at most a window of messages inside Paho at a time.
// Messages Paho had not confirmed when the connection dropped are held again, so an event is
// delivered at least once.
//
// Availability: the sink owns `will_topic`. Its will is `offline` (retained, configured QoS);
// `online` is published on every connect and `offline` on stop(), through the same retained
// cache as publish_state, so a feature publishing the same values is simply deduplicated.

#include "gateway/config/site_config.hpp"
#include "gateway/mqtt/sink.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace mg::mqtt {

class sink_core;

class paho_sink final : public sink {
public:
    // Throws std::invalid_argument when Paho refuses the broker address or client id.
    paho_sink(boost::asio::any_io_executor loop, const config::mqtt_settings& settings,
              std::string will_topic);
    ~paho_sink() override;
    paho_sink(const paho_sink&) = delete;
    paho_sink& operator=(const paho_sink&) = delete;

    // Connects in the background and keeps reconnecting until stop(): after a lost connection
    // the other brokers of the list at once, then rounds over every broker with a jittered
    // pause of 1 s doubling to 10 s between them.
    void start();

    // Publishes `offline` on the will topic if connected, disconnects cleanly (waiting up to
    // about 2s for messages in flight), then posts `done` to the loop. Publishes after this
    // are ignored. Whatever is still held is given up and logged.
    void stop(std::function<void()> done);

    void publish_state(std::string_view topic, std::string_view payload,
                       bool always = false) override;
    void clear_states(std::string_view prefix) override;
    void publish_event(std::string_view topic, std::string_view payload,
                       std::string_view correlation_data = {}) override;
    void subscribe(std::string_view filter, inbound_handler handler,
                   std::size_t max_payload = default_max_inbound) override;
    void unsubscribe(std::string_view filter) override;

    bool connected() const;
    // Messages handed to Paho, repeats after a reconnect included.
    std::uint64_t published() const;
    std::uint64_t received() const;
    // Events dropped because the buffer was full, plus messages the broker refused.
    std::uint64_t dropped() const;
    // What waits for the broker: held events, dirty state topics, and the part of a reconnect
    // backlog not yet handed to Paho.
    std::size_t buffered() const;
    // Successful connects after the first one.
    std::uint64_t reconnects() const;
    // Inbound messages whose body was dropped unread: over every subscription's limit.
    std::uint64_t oversize() const;
    // The broker of the current connection, or of the attempt under way: `host:port`.
    const std::string& broker() const;

    // Runs on the loop when the broker connection comes up (true) or goes away (false).
    std::function<void(bool)> on_connection_change;

private:
    std::shared_ptr<sink_core> core_;
};

} // namespace mg::mqtt
