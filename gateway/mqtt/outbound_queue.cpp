#include "gateway/mqtt/outbound_queue.hpp"

#include <algorithm>

namespace mg::mqtt {

namespace {

constexpr std::size_t min_ring_slots = 16;

} // namespace

outbound_queue::outbound_queue(std::size_t capacity) : capacity_(capacity) {}

outbound_queue::state_entry* outbound_queue::find(std::string_view topic) {
    const auto it = index_.find(topic);
    return it == index_.end() ? nullptr : &states_[it->second];
}

const outbound_queue::state_entry* outbound_queue::find(std::string_view topic) const {
    const auto it = index_.find(topic);
    return it == index_.end() ? nullptr : &states_[it->second];
}

void outbound_queue::set_dirty(std::size_t index) {
    auto& entry = states_[index];
    if (entry.dirty)
        return;
    entry.dirty = true;
    dirty_.push_back(index);
}

bool outbound_queue::update_state(std::string_view topic, std::string_view payload) {
    std::size_t index = 0;
    if (const auto it = index_.find(topic); it != index_.end()) {
        index = it->second;
        auto& entry = states_[index];
        if (entry.payload == payload)
            return false;
        // assign() reuses the old buffer when it is large enough.
        entry.payload.assign(payload);
    } else {
        index = states_.size();
        auto& entry = states_.emplace_back(state_entry{std::string(topic), std::string(payload)});
        index_.emplace(entry.topic, index);
    }
    if (!online_)
        set_dirty(index);
    return true;
}

void outbound_queue::mark_dirty(std::string_view topic) {
    if (const auto it = index_.find(topic); it != index_.end())
        set_dirty(it->second);
}

const std::string* outbound_queue::state(std::string_view topic) const {
    const auto* entry = find(topic);
    return entry ? &entry->payload : nullptr;
}

std::vector<std::string> outbound_queue::state_topics(std::string_view prefix) const {
    std::vector<std::string> out;
    for (const auto& entry : states_) {
        if (entry.topic.starts_with(prefix))
            out.push_back(entry.topic);
    }
    return out;
}

void outbound_queue::grow_events() {
    const auto slots = std::min(capacity_, std::max(min_ring_slots, events_.size() * 2));
    std::vector<outbound_message> grown;
    grown.reserve(slots);
    for (std::size_t i = 0; i < events_size_; ++i)
        grown.push_back(std::move(event_at(i)));
    grown.resize(slots);
    events_ = std::move(grown);
    events_head_ = 0;
}

void outbound_queue::push_event_back(outbound_message&& message) {
    if (capacity_ == 0) {
        ++dropped_;
        return;
    }
    if (events_size_ == capacity_) {
        // Full: the oldest makes room. Overwriting the head slot and advancing is that drop.
        ++dropped_;
        event_at(0) = std::move(message);
        events_head_ = (events_head_ + 1) % events_.size();
        return;
    }
    if (events_size_ == events_.size())
        grow_events();
    event_at(events_size_) = std::move(message);
    ++events_size_;
}

void outbound_queue::push_event_front(outbound_message&& message) {
    // Only called with room left: restore() trims to capacity first.
    if (events_size_ == events_.size())
        grow_events();
    events_head_ = (events_head_ + events_.size() - 1) % events_.size();
    events_[events_head_] = std::move(message);
    ++events_size_;
}

void outbound_queue::hold_event(std::string_view topic, std::string_view payload,
                                std::string_view correlation_data) {
    push_event_back(outbound_message{std::string(topic), std::string(payload),
                                     std::string(correlation_data), false});
}

std::vector<outbound_message> outbound_queue::drain(bool full_republish) {
    std::vector<outbound_message> out;
    out.reserve((full_republish ? states_.size() : dirty_.size()) + events_size_);
    if (full_republish) {
        for (const auto& entry : states_)
            out.push_back(outbound_message{entry.topic, entry.payload, {}, true});
    } else {
        for (const auto index : dirty_) {
            const auto& entry = states_[index];
            out.push_back(outbound_message{entry.topic, entry.payload, {}, true});
        }
    }
    for (const auto index : dirty_)
        states_[index].dirty = false;
    dirty_.clear();

    for (std::size_t i = 0; i < events_size_; ++i)
        out.push_back(std::move(event_at(i)));
    events_head_ = 0;
    events_size_ = 0;
    return out;
}

void outbound_queue::restore(std::span<outbound_message> messages) {
    std::size_t events = 0;
    for (const auto& message : messages) {
        if (message.retained)
            mark_dirty(message.topic);
        else
            ++events;
    }
    // The restored events are older than the held ones, so they are the first to go.
    const auto room = capacity_ - events_size_;
    auto skip = events > room ? events - room : 0;
    dropped_ += skip;
    // Walk backwards so pushing to the front rebuilds the original order.
    auto keep = events - skip;
    for (auto it = messages.rbegin(); it != messages.rend() && keep > 0; ++it) {
        if (it->retained)
            continue;
        push_event_front(std::move(*it));
        --keep;
    }
}

} // namespace mg::mqtt
