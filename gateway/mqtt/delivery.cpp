#include "gateway/mqtt/delivery.hpp"

#include "gateway/mqtt/topics.hpp"

#include <algorithm>

namespace mg::mqtt {

delivery::delivery(std::size_t capacity, handlers h) : handlers_(std::move(h)), queue_(capacity) {}

bool delivery::publish_state(std::string_view topic, std::string_view payload, bool always) {
    if (!valid_topic_name(topic)) {
        ++refused_;
        return false;
    }
    // Unchanged: nothing to do unless asked. Not in direct mode: update_state marked it dirty.
    const bool changed = queue_.update_state(topic, payload);
    if (!changed && !always)
        return true;
    if (!queue_.online()) {
        if (!changed)
            queue_.mark_dirty(topic);
        return true;
    }
    outbound_message m{std::string(topic), std::string(payload), {}, true};
    if (!try_direct(m)) {
        queue_.mark_dirty(topic);
        hold_back();
    }
    return true;
}

void delivery::clear_states(std::string_view prefix) {
    for (const auto& topic : queue_.state_topics(prefix))
        publish_state(topic, {});
}

bool delivery::publish_event(std::string_view topic, std::string_view payload,
                             std::string_view correlation_data) {
    if (!valid_topic_name(topic)) {
        ++refused_;
        return false;
    }
    if (!queue_.online()) {
        queue_.hold_event(topic, payload, correlation_data);
        return true;
    }
    outbound_message m{std::string(topic), std::string(payload), std::string(correlation_data),
                       false};
    if (!try_direct(m)) {
        queue_.hold_event(m.topic, m.payload, m.correlation_data);
        hold_back();
    }
    return true;
}

void delivery::publish_state_now(std::string_view topic, std::string_view payload) {
    if (!connected_ || !valid_topic_name(topic))
        return;
    // Sent even when the cache already holds it: that value may still wait in the backlog.
    queue_.update_state(topic, payload);
    outbound_message m{std::string(topic), std::string(payload), {}, true};
    hand_over(m);
}

bool delivery::try_direct(outbound_message& message) {
    return unconfirmed_ < window_ && hand_over(message) != send_result::later;
}

delivery::send_result delivery::hand_over(outbound_message& message) {
    const auto seq = next_seq_;
    const auto result = handlers_.send(message, seq);
    switch (result) {
    case send_result::sent:
        ++next_seq_;
        ++published_;
        ++unconfirmed_;
        in_flight_.push_back(in_flight{seq, std::move(message)});
        break;
    case send_result::refused:
        ++refused_;
        break;
    case send_result::later:
        break;
    }
    return result;
}

void delivery::hold_back() {
    queue_.set_online(false);
    if (unconfirmed_ == 0 && handlers_.stalled)
        handlers_.stalled();
}

void delivery::link_up(std::size_t window) {
    if (connected_)
        link_down(); // the previous session ended unnoticed
    connected_ = true;
    window_ = std::max<std::size_t>(window, 1);
    // Everything again: the broker may have restarted without persistence or published the
    // will. Direct publishing waits until this backlog is through, so order holds.
    queue_.set_online(false);
    backlog_ = queue_.drain(true);
    backlog_pos_ = 0;
    pump();
}

void delivery::link_down() {
    if (!connected_)
        return;
    connected_ = false;
    queue_.set_online(false);
    std::vector<outbound_message> unsent;
    unsent.reserve(unconfirmed_ + (backlog_.size() - backlog_pos_));
    for (auto& f : in_flight_) {
        if (!f.done)
            unsent.push_back(std::move(f.message));
    }
    in_flight_.clear();
    unconfirmed_ = 0;
    for (auto i = backlog_pos_; i < backlog_.size(); ++i)
        unsent.push_back(std::move(backlog_[i]));
    backlog_.clear();
    backlog_pos_ = 0;
    queue_.restore(unsent);
}

void delivery::confirmed(std::uint64_t seq, bool refused_by_broker) {
    // Sequence numbers of one session are consecutive in in_flight_; older ones were given
    // back by link_down and are ignored.
    if (in_flight_.empty() || seq < in_flight_.front().seq)
        return;
    const auto index = seq - in_flight_.front().seq;
    if (index >= in_flight_.size() || in_flight_[index].done)
        return;
    auto& f = in_flight_[index];
    f.done = true;
    f.message = {};
    --unconfirmed_;
    if (refused_by_broker)
        ++refused_;
    while (!in_flight_.empty() && in_flight_.front().done)
        in_flight_.pop_front();
    if (connected_ && !queue_.online())
        pump();
}

void delivery::pump() {
    while (connected_) {
        if (backlog_pos_ == backlog_.size()) {
            backlog_.clear();
            backlog_pos_ = 0;
            if (queue_.buffered() == 0) {
                queue_.set_online(true); // caught up: publish directly again
                return;
            }
            backlog_ = queue_.drain(false);
        }
        if (unconfirmed_ >= window_)
            return; // a confirmation calls again
        if (hand_over(backlog_[backlog_pos_]) == send_result::later) {
            if (unconfirmed_ == 0 && handlers_.stalled)
                handlers_.stalled();
            return;
        }
        ++backlog_pos_;
    }
}

} // namespace mg::mqtt
