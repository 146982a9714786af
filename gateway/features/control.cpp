#include "gateway/features/control.hpp"

#include "gateway/protocol/json_limits.hpp"

#include <chrono>
#include <spdlog/spdlog.h>

namespace mg::features {
namespace {

// The controller's answer for C/error: its status and body.
std::string result_detail(const protocol::command_result& result) {
    if (result.status == 0)
        return std::string(result.detail);
    auto text = "HTTP " + std::to_string(result.status);
    if (!result.detail.empty())
        text.append(": ").append(result.detail);
    return text;
}

// For one log line: short, and no control characters from outside input.
std::string loggable(std::string_view text) {
    constexpr std::size_t limit = 160;
    std::string out(text.substr(0, limit));
    for (auto& c : out) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            c = '?';
    }
    if (text.size() > limit)
        out += "...";
    return out;
}

} // namespace

std::vector<std::string> control::filters(const std::string& controller) const {
    return {topics_.controller(controller, "+/set"), topics_.controller(controller, "+/+/set")};
}

void control::on_controller_added(session::controller& c, const controller_context& context) {
    // A read-only controller's command topics are not subscribed at all.
    if (context.read_only) {
        spdlog::info("{}: read-only: no command topics", c.name());
        return;
    }
    controllers_[c.name()] = commandable{&c, {}};
    for (const auto& filter : filters(c.name())) {
        sink_.subscribe(
            filter,
            [this, name = c.name()](const mqtt::inbound_message& message) {
                on_set(name, message);
            },
            protocol::max_payload_bytes);
    }
}

void control::on_controller_removed(session::controller& c) {
    const auto entry = controllers_.find(c.name());
    if (entry == controllers_.end())
        return;
    controllers_.erase(entry);
    for (const auto& filter : filters(c.name()))
        sink_.unsubscribe(filter);
    // Every command is answered, also one the session dropped when it stopped.
    for (const auto& who : answers_.take_all(c.name(), answers::kind::command))
        answer(who, "failed", "the controller was stopped or reloaded before the call ended", {});
}

void control::on_set(const std::string& controller, const mqtt::inbound_message& message) {
    const auto entry = controllers_.find(controller);
    if (entry == controllers_.end())
        return; // removed; its filters went with it
    std::string_view suffix(message.topic);
    suffix.remove_prefix(std::min(suffix.size(), topics_.controller(controller).size() + 1));
    auto who = answers::from(message, controller, answers::kind::command);
    // A stale retained command would fire again on every restart of the gateway.
    if (message.retained)
        return answer(who, "retained", "retained commands are ignored: publish without retain", {});
    // Cut off by the MQTT gate: the body never reached the gateway.
    if (const auto problem = oversize_problem(message, protocol::max_payload_bytes);
        !problem.empty())
        return answer(who, "invalid_payload", problem, {});

    auto parsed = parse_command(suffix, message.payload, entry->second.known);
    if (const auto* refused = std::get_if<invalid_command>(&parsed))
        return answer(who, "invalid_payload", refused->detail, {});
    auto& command = std::get<features::command>(parsed);
    who.action = command.action;
    if (!command.call)
        return answer(who, "ok", {}, {});
    const auto action = who.action;
    const auto tag = answers_.wait(who);
    if (!tag) {
        spdlog::info("{}: command {} ({}): busy", controller, loggable(message.topic), action);
        return;
    }
    entry->second.controller->command(std::move(*command.call), *tag);
}

void control::on_event(session::controller& c, const protocol::link_event& event) {
    if (const auto* result = std::get_if<protocol::command_result>(&event)) {
        const auto who = answers_.take(result->tag);
        if (!who)
            return;
        const bool ok = result->outcome == protocol::command_outcome::ok;
        answer(*who, protocol::to_string(result->outcome), ok ? "" : result_detail(*result),
               result->took);
        return;
    }
    const auto entry = controllers_.find(c.name());
    if (entry == controllers_.end())
        return;
    // What ON and the beacon depend on.
    if (const auto* message = std::get_if<protocol::channel_message>(&event))
        entry->second.known.learn(message->channel, message->data);
    else if (const auto* reply = std::get_if<protocol::request_reply>(&event))
        entry->second.known.learn(reply->request, reply->data);
}

void control::answer(const answers::caller& who, std::string_view outcome, std::string_view detail,
                     protocol::duration took) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
    const auto action = who.action.empty() ? std::string("-") : who.action;
    if (detail.empty())
        spdlog::info("{}: command {} ({}): {} in {} ms", who.controller, loggable(who.topic),
                     action, outcome, ms);
    else
        spdlog::info("{}: command {} ({}): {} in {} ms: {}", who.controller, loggable(who.topic),
                     action, outcome, ms, loggable(detail));
    if (outcome == "ok")
        answers_.ok(who);
    else
        answers_.error(who, outcome, detail);
}

} // namespace mg::features
