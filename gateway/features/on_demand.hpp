#pragma once
// On-demand requests: a message on C/<request>/get sends that request over the controller's
// WebSocket; the reply lands on C/<request> (state_topics does that) and, for MQTT 5 callers,
// on their response topic with their correlation data. Failures go to C/error.

#include "gateway/features/feature.hpp"
#include "gateway/features/topic_scheme.hpp"
#include "gateway/mqtt/sink.hpp"

#include <map>
#include <string>

namespace mg::features {

class on_demand final : public feature {
public:
    // Requests of one controller waiting for their reply; beyond it a get is answered `busy`
    // at once, so no MQTT client can fill a controller's WebSocket or the gateway's memory.
    static constexpr long max_waiting = 8;

    on_demand(mqtt::sink& sink, const topic_scheme& topics) : sink_(sink), topics_(topics) {}

    void start() override;
    void on_controller_added(session::controller& c) override;
    void on_controller_removed(session::controller& c) override;
    void on_event(session::controller& c, const protocol::link_event& event) override;

private:
    struct caller {
        std::string controller;
        std::string topic; // the get topic, for error reports
        std::string response_topic;
        std::string correlation_data;
    };

    void on_get(const mqtt::inbound_message& message);
    void report(const caller& who, std::string_view error, std::string_view detail);

    mqtt::sink& sink_;
    const topic_scheme& topics_;
    std::map<std::string, session::controller*, std::less<>> controllers_;
    std::map<std::uint64_t, caller> callers_;
    std::uint64_t next_tag_ = 1;
};

// Payload for C/error: {"error","topic","detail"}.
std::string error_payload(std::string_view error, std::string_view topic, std::string_view detail);

} // namespace mg::features
