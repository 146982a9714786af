#pragma once
// On-demand requests: a message on C/<request>/get sends that request over the controller's
// WebSocket; the reply lands on C/<request> (state_topics does that) and, for MQTT 5 callers,
// on their response topic with their correlation data. Failures go to C/error. Whatever
// becomes of a get, its caller is answered exactly once (answers.hpp).

#include "gateway/features/answers.hpp"
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
    static constexpr long max_waiting = answers::max_waiting;

    on_demand(mqtt::sink& sink, const topic_scheme& topics, answers& answers)
        : sink_(sink), topics_(topics), answers_(answers) {}

    void start() override;
    void on_controller_added(session::controller& c, const controller_context& context) override;
    void on_controller_removed(session::controller& c) override;
    void on_event(session::controller& c, const protocol::link_event& event) override;

private:
    void on_get(const mqtt::inbound_message& message);
    void refuse(const answers::caller& who, std::string_view error, std::string_view detail);

    mqtt::sink& sink_;
    const topic_scheme& topics_;
    answers& answers_;
    std::map<std::string, session::controller*, std::less<>> controllers_;
};

} // namespace mg::features
