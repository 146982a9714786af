#include "gateway/features/metrics_counters.hpp"

#include "gateway/protocol/control.hpp"

namespace mg::features {

void metrics_counters::on_controller_added(session::controller& c, const controller_context&) {
    controllers_.try_emplace(c.name());
}

void metrics_counters::on_controller_removed(session::controller& c) {
    if (const auto it = controllers_.find(c.name()); it != controllers_.end())
        controllers_.erase(it);
}

void metrics_counters::on_event(session::controller& c, const protocol::link_event& event) {
    const auto it = controllers_.find(c.name());
    if (it == controllers_.end())
        return;
    if (const auto* result = std::get_if<protocol::command_result>(&event)) {
        const auto outcome = protocol::to_string(result->outcome);
        for (std::size_t i = 0; i < command_results.size(); ++i) {
            if (command_results[i] == outcome)
                ++it->second.commands[i];
        }
        return;
    }
    if (std::holds_alternative<protocol::channel_message>(event) ||
        std::holds_alternative<protocol::request_reply>(event)) {
        ++it->second.messages_in;
    } else if (std::holds_alternative<protocol::frame_rejected>(event)) {
        ++it->second.messages_in;
        ++it->second.messages_rejected;
    }
}

const metrics_counters::counters& metrics_counters::of(std::string_view controller) const {
    static const counters none;
    const auto it = controllers_.find(controller);
    return it == controllers_.end() ? none : it->second;
}

} // namespace mg::features
