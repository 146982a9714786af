#pragma once
// The sink's delivery rules without the client library: what goes out now,
// what waits, and in which order it goes out when the broker is back. The sink feeds it
// connection events and confirmations; it hands messages to the client through `send`.
//
// While the link is down, state is coalesced and events are held (outbound_queue). On link_up
// every retained topic and the held events form a backlog that goes out in order, with at most
// `window` messages unconfirmed; what is published meanwhile waits behind it. On link_down,
// every unconfirmed message and the rest of the backlog are held again ahead of anything newer,
// so nothing handed over is lost (delivery is at least once).

#include "gateway/mqtt/outbound_queue.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string_view>
#include <vector>

namespace mg::mqtt {

class delivery {
public:
    enum class send_result {
        sent,    // the client took it; confirmed() follows with the same sequence number
        refused, // never deliverable (bad topic, too large): dropped and counted
        later,   // not now (client queue full, link just lost): kept, offered again
    };
    struct handlers {
        std::function<send_result(const outbound_message&, std::uint64_t seq)> send;
        // The client said "later" with nothing in flight, so no confirmation will come to
        // continue: call pump() again after a short while.
        std::function<void()> stalled;
    };

    delivery(std::size_t capacity, handlers h);

    // False when the topic is not a valid topic name; nothing is kept then.
    // `always`: sent even when equal to the topic's last payload.
    bool publish_state(std::string_view topic, std::string_view payload, bool always = false);
    // Publishes an empty retained payload to every state topic under `prefix` that is not
    // cleared already. The cache keeps the empty value, so a reconnect sends the clear again.
    void clear_states(std::string_view prefix);
    bool publish_event(std::string_view topic, std::string_view payload,
                       std::string_view correlation_data = {});
    // Records and sends a state at once, past the window and any backlog: the last word before
    // disconnecting. Nothing happens while the link is down.
    void publish_state_now(std::string_view topic, std::string_view payload);

    // The broker connection is up: every retained topic, then the held events, go out again.
    void link_up(std::size_t window);
    // The connection is gone: what was not confirmed is held again, oldest first.
    void link_down();
    // The client is done with `seq`: delivered, or (`refused_by_broker`) refused for good.
    void confirmed(std::uint64_t seq, bool refused_by_broker = false);
    // Continues handing out the backlog; see handlers::stalled.
    void pump();

    bool connected() const { return connected_; }
    // Connected but holding messages back until confirmations make room in the window.
    bool held_back() const { return connected_ && !queue_.online(); }
    // Messages handed to the client, repeats after a reconnect included.
    std::uint64_t published() const { return published_; }
    // Events dropped from a full buffer, plus messages refused for good.
    std::uint64_t dropped() const { return queue_.dropped() + refused_; }
    // What waits for the broker: held events, dirty state topics, the unsent backlog.
    std::size_t buffered() const { return queue_.buffered() + (backlog_.size() - backlog_pos_); }
    std::size_t unconfirmed() const { return unconfirmed_; }
    const std::string* state(std::string_view topic) const { return queue_.state(topic); }

private:
    struct in_flight {
        std::uint64_t seq;
        outbound_message message;
        bool done = false;
    };

    // Sends now if the window has room; false when the message has to wait.
    bool try_direct(outbound_message& message);
    // Moves the message into in_flight_ when the client takes it.
    send_result hand_over(outbound_message& message);
    // Stops sending directly; pump() takes over as confirmations arrive (or after stalled()).
    void hold_back();

    handlers handlers_;
    outbound_queue queue_;
    bool connected_ = false;
    std::size_t window_ = 1;
    std::vector<outbound_message> backlog_;
    std::size_t backlog_pos_ = 0;
    std::deque<in_flight> in_flight_;
    std::size_t unconfirmed_ = 0;
    std::uint64_t next_seq_ = 1;
    std::uint64_t published_ = 0;
    std::uint64_t refused_ = 0;
};

} // namespace mg::mqtt
