#include "gateway/features/on_demand.hpp"

#include "gateway/features/json.hpp"
#include "gateway/protocol/catalogue.hpp"
#include "gateway/protocol/json_limits.hpp"
#include "gateway/protocol/messages.hpp"

#include <rapidjson/document.h>

#include <spdlog/spdlog.h>

namespace mg::features {

namespace {

// Why `payload` cannot be the parameters of a request; empty when it can. Anyone who may
// publish to the broker can send these bytes, so they are checked before anything is sent.
std::string parameters_problem(const mqtt::inbound_message& message) {
    if (auto problem = oversize_problem(message, protocol::max_payload_bytes); !problem.empty())
        return problem;
    const std::string_view payload = message.payload;
    if (payload.empty())
        return {};
    rapidjson::Document params;
    if (!protocol::parse_bounded(params, payload, protocol::max_payload_depth) ||
        !params.IsObject())
        return "payload must be empty or a JSON object nested at most " +
               std::to_string(protocol::max_payload_depth) + " levels";
    for (const auto& member : params.GetObject()) {
        const std::string_view key{member.name.GetString(), member.name.GetStringLength()};
        if (protocol::is_envelope_key(key))
            return "parameter '" + std::string(key) + "' is reserved";
    }
    return {};
}

} // namespace

void on_demand::start() {
    sink_.subscribe(
        topics_.root() + "/+/+/get",
        [this](const mqtt::inbound_message& message) { on_get(message); },
        protocol::max_payload_bytes);
}

void on_demand::on_controller_added(session::controller& c, const controller_context&) {
    controllers_[c.name()] = &c;
}

void on_demand::on_controller_removed(session::controller& c) {
    if (const auto it = controllers_.find(c.name()); it != controllers_.end())
        controllers_.erase(it);
    // Every get is answered, also one whose request the session dropped when it stopped.
    for (const auto& who : answers_.take_all(c.name(), answers::kind::get))
        refuse(who, "offline", "the controller was stopped or reloaded before it answered");
}

void on_demand::on_get(const mqtt::inbound_message& message) {
    // <root>/<controller>/<request>/get
    std::string_view rest(message.topic);
    rest.remove_prefix(std::min(rest.size(), topics_.root().size() + 1));
    const auto slash = rest.find('/');
    const auto controller_name = rest.substr(0, slash);
    const auto request = rest.substr(slash + 1, rest.rfind('/') - slash - 1);

    const auto controller = controllers_.find(controller_name);
    if (controller == controllers_.end())
        return; // not ours: C/error would need a controller to belong to
    auto who = answers::from(message, std::string(controller_name), answers::kind::get);
    if (!protocol::is_request(request))
        return refuse(who, "unknown_request", "no request named '" + std::string(request) + "'");
    if (const auto problem = parameters_problem(message); !problem.empty())
        return refuse(who, "invalid_payload", problem);
    const auto tag = answers_.wait(std::move(who));
    if (!tag)
        return; // answered busy
    controller->second->request(protocol::canonical_name(request), message.payload, *tag);
}

void on_demand::on_event(session::controller&, const protocol::link_event& event) {
    if (const auto* reply = std::get_if<protocol::request_reply>(&event)) {
        if (reply->tag == 0)
            return;
        if (const auto who = answers_.take(reply->tag))
            answers_.reply(*who, to_json(reply->data));
    } else if (const auto* failed = std::get_if<protocol::request_failed>(&event)) {
        if (failed->tag == 0)
            return;
        if (const auto who = answers_.take(failed->tag))
            refuse(*who, protocol::to_string(failed->reason), failed->error);
    }
}

void on_demand::refuse(const answers::caller& who, std::string_view error,
                       std::string_view detail) {
    spdlog::debug("{}: {} refused: {}", who.controller, who.topic, detail);
    answers_.error(who, error, detail);
}

} // namespace mg::features
