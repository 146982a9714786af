#pragma once
// What the sink holds for the broker: the retained cache, which both
// suppresses repeats and is the source for republishing after a reconnect, and the events held
// while the broker is away. Pure: no clock, no I/O, no threads.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mg::mqtt {

struct outbound_message {
    std::string topic;
    std::string payload;
    std::string correlation_data; // events only
    bool retained = false;
    bool operator==(const outbound_message&) const = default;
};

class outbound_queue {
public:
    // `capacity` bounds the events held (config buffer_messages); retained topics are bounded
    // by their number instead, since only the latest value of each matters.
    explicit outbound_queue(std::size_t capacity);

    // Whether the broker is reachable. While it is not, changed state is marked dirty so the
    // next drain carries it. Starts offline.
    void set_online(bool online) { online_ = online; }
    bool online() const { return online_; }

    // Records `payload` as the topic's latest state. False when it equals the last one, so the
    // caller sends nothing.
    bool update_state(std::string_view topic, std::string_view payload);

    // Marks a known topic for the next drain, e.g. after a publish of it failed. Unknown topics
    // are ignored: there is no value to send.
    void mark_dirty(std::string_view topic);

    // The latest payload of a state topic, or nullptr when it was never set.
    const std::string* state(std::string_view topic) const;

    // Every state topic starting with `prefix`, in the order they were first seen.
    std::vector<std::string> state_topics(std::string_view prefix) const;

    // Holds an event for later; beyond capacity the oldest held event is dropped and counted.
    void hold_event(std::string_view topic, std::string_view payload,
                    std::string_view correlation_data = {});

    // Everything to send on (re)connect, in order: retained topics first (every topic when
    // `full_republish`, in the order they were first seen; otherwise the dirty ones in the order
    // they became dirty), then held events oldest first. Afterwards nothing is dirty or held.
    std::vector<outbound_message> drain(bool full_republish);

    // Takes back messages that were drained (or sent) but could not be delivered, in their
    // original order: state topics become dirty again (the cache already holds their latest
    // value, which wins over the carried payload), events go back ahead of everything held
    // since, the oldest dropped beyond capacity.
    void restore(std::span<outbound_message> messages);

    std::size_t capacity() const { return capacity_; }
    std::uint64_t dropped() const { return dropped_; }
    // Events held plus dirty state topics: what a reconnect would have to deliver at least.
    std::size_t buffered() const { return events_size_ + dirty_.size(); }
    std::size_t held_events() const { return events_size_; }
    std::size_t dirty_topics() const { return dirty_.size(); }
    std::size_t topics() const { return states_.size(); }

private:
    struct state_entry {
        std::string topic;
        std::string payload;
        bool dirty = false;
    };

    state_entry* find(std::string_view topic);
    const state_entry* find(std::string_view topic) const;
    void set_dirty(std::size_t index);

    // Events live in a ring that grows geometrically up to `capacity_` and is reused after,
    // so holding an event costs no allocation beyond its strings.
    outbound_message& event_at(std::size_t i) {
        return events_[(events_head_ + i) % events_.size()];
    }
    void grow_events();
    void push_event_back(outbound_message&& message);
    void push_event_front(outbound_message&& message);

    std::size_t capacity_;
    bool online_ = false;
    std::uint64_t dropped_ = 0;

    // A deque keeps entries in place as it grows, so the index may key on views of their topics.
    std::deque<state_entry> states_;
    std::unordered_map<std::string_view, std::size_t> index_;
    std::vector<std::size_t> dirty_;

    std::vector<outbound_message> events_;
    std::size_t events_head_ = 0;
    std::size_t events_size_ = 0;
};

} // namespace mg::mqtt
