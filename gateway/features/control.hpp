#pragma once
// Control from MQTT: a message on C/<kind>/.../set becomes a call of the controller's HTTP API
// (see commands.hpp), which its session makes. Whatever becomes of the command is answered:
// C/error for anything refused or failed, and an MQTT 5 caller's response topic gets
// {"ok":true} or the same error, with its correlation data. The resulting state comes back
// over the WebSocket as usual; nothing is published optimistically.

#include "gateway/features/answers.hpp"
#include "gateway/features/commands.hpp"
#include "gateway/features/feature.hpp"
#include "gateway/features/topic_scheme.hpp"
#include "gateway/mqtt/sink.hpp"

#include <functional>
#include <map>
#include <string>

namespace mg::features {

class control final : public feature {
public:
    control(mqtt::sink& sink, const topic_scheme& topics, answers& answers)
        : sink_(sink), topics_(topics), answers_(answers) {}

    void on_controller_added(session::controller& c, const controller_context& context) override;
    void on_controller_removed(session::controller& c) override;
    void on_event(session::controller& c, const protocol::link_event& event) override;

private:
    struct commandable {
        session::controller* controller;
        command_context known;
    };
    std::vector<std::string> filters(const std::string& controller) const;
    void on_set(const std::string& controller, const mqtt::inbound_message& message);
    void answer(const answers::caller& who, std::string_view outcome, std::string_view detail,
                protocol::duration took);

    mqtt::sink& sink_;
    const topic_scheme& topics_;
    answers& answers_;
    std::map<std::string, commandable, std::less<>> controllers_;
};

} // namespace mg::features
