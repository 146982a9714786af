#pragma once
// A sink that records what features publish, with the real sink's deduplication of state.

#include "gateway/mqtt/sink.hpp"
#include "gateway/mqtt/topics.hpp"

#include <map>
#include <string>
#include <vector>

namespace mg::test {

class recording_sink final : public mqtt::sink {
public:
    struct event {
        std::string topic;
        std::string payload;
        std::string correlation_data;
    };

    void publish_state(std::string_view topic, std::string_view payload,
                       bool always = false) override {
        auto& current = states[std::string(topic)];
        if (!always && current == payload && state_publishes.count(std::string(topic)))
            return;
        current = payload;
        ++state_publishes[std::string(topic)];
    }

    void clear_states(std::string_view prefix) override {
        std::vector<std::string> topics;
        for (const auto& [topic, payload] : states) {
            if (topic.starts_with(prefix))
                topics.push_back(topic);
        }
        for (const auto& topic : topics)
            publish_state(topic, {});
    }

    void publish_event(std::string_view topic, std::string_view payload,
                       std::string_view correlation_data) override {
        events.push_back({std::string(topic), std::string(payload), std::string(correlation_data)});
    }

    void subscribe(std::string_view filter, mqtt::inbound_handler handler,
                   std::size_t max_payload = mqtt::default_max_inbound) override {
        subscriptions.emplace_back(std::string(filter), std::move(handler));
        limits[std::string(filter)] = max_payload;
    }

    void unsubscribe(std::string_view filter) override {
        std::erase_if(subscriptions, [&](const auto& s) { return s.first == filter; });
    }

    // Delivers a message to every matching subscription, as the broker would.
    void deliver(const mqtt::inbound_message& message) {
        for (const auto& [filter, handler] : subscriptions) {
            if (mqtt::topic_matches(filter, message.topic))
                handler(message);
        }
    }

    std::vector<event> events_on(const std::string& topic) const {
        std::vector<event> found;
        for (const auto& e : events) {
            if (e.topic == topic)
                found.push_back(e);
        }
        return found;
    }

    std::map<std::string, std::string> states;
    std::map<std::string, int> state_publishes;
    std::vector<event> events;
    std::vector<std::pair<std::string, mqtt::inbound_handler>> subscriptions;
    std::map<std::string, std::size_t> limits; // max_payload of each filter
};

} // namespace mg::test
