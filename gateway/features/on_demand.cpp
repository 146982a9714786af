#include "gateway/features/on_demand.hpp"

#include "gateway/features/json.hpp"
#include "gateway/protocol/catalogue.hpp"
#include "gateway/protocol/json_limits.hpp"
#include "gateway/protocol/messages.hpp"

#include <rapidjson/document.h>

#include <spdlog/spdlog.h>

namespace mg::features {

std::string error_payload(std::string_view error, std::string_view topic, std::string_view detail) {
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    w.Key("error");
    w.String(error.data(), static_cast<rapidjson::SizeType>(error.size()));
    w.Key("topic");
    w.String(topic.data(), static_cast<rapidjson::SizeType>(topic.size()));
    w.Key("detail");
    w.String(detail.data(), static_cast<rapidjson::SizeType>(detail.size()));
    w.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

namespace {

// Why `payload` cannot be the parameters of a request; empty when it can. Anyone who may
// publish to the broker can send these bytes, so they are checked before anything is sent.
std::string parameters_problem(std::string_view payload) {
    if (payload.empty())
        return {};
    if (payload.size() > protocol::max_payload_bytes)
        return "payload larger than " + std::to_string(protocol::max_payload_bytes) + " bytes";
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
    sink_.subscribe(topics_.root() + "/+/+/get",
                    [this](const mqtt::inbound_message& message) { on_get(message); });
}

void on_demand::on_controller_added(session::controller& c) {
    controllers_[c.name()] = &c;
}

void on_demand::on_controller_removed(session::controller& c) {
    if (const auto it = controllers_.find(c.name()); it != controllers_.end())
        controllers_.erase(it);
    std::erase_if(callers_, [&](const auto& entry) { return entry.second.controller == c.name(); });
}

void on_demand::on_get(const mqtt::inbound_message& message) {
    // <root>/<controller>/<request>/get
    std::string_view rest(message.topic);
    rest.remove_prefix(std::min(rest.size(), topics_.root().size() + 1));
    const auto slash = rest.find('/');
    const auto controller_name = rest.substr(0, slash);
    const auto request = rest.substr(slash + 1, rest.rfind('/') - slash - 1);

    caller who{std::string(controller_name), message.topic, message.response_topic,
               message.correlation_data};
    const auto controller = controllers_.find(controller_name);
    if (controller == controllers_.end())
        return; // not ours: C/error would need a controller to belong to
    if (!protocol::is_request(request))
        return report(who, "unknown_request", "no request named '" + std::string(request) + "'");
    if (const auto problem = parameters_problem(message.payload); !problem.empty())
        return report(who, "invalid_payload", problem);
    const auto waiting = std::count_if(callers_.begin(), callers_.end(), [&](const auto& entry) {
        return entry.second.controller == controller_name;
    });
    if (waiting >= max_waiting)
        return report(who, "busy",
                      std::to_string(max_waiting) + " requests are already waiting for '" +
                          std::string(controller_name) + "'");

    const auto tag = next_tag_++;
    callers_.emplace(tag, std::move(who));
    controller->second->request(protocol::canonical_name(request), message.payload, tag);
}

void on_demand::on_event(session::controller&, const protocol::link_event& event) {
    if (const auto* reply = std::get_if<protocol::request_reply>(&event)) {
        const auto it = callers_.find(reply->tag);
        if (reply->tag == 0 || it == callers_.end())
            return;
        if (!it->second.response_topic.empty())
            sink_.publish_event(it->second.response_topic, to_json(reply->data),
                                it->second.correlation_data);
        callers_.erase(it);
    } else if (const auto* failed = std::get_if<protocol::request_failed>(&event)) {
        const auto it = callers_.find(failed->tag);
        if (failed->tag == 0 || it == callers_.end())
            return;
        report(it->second, protocol::to_string(failed->reason), failed->error);
        callers_.erase(it);
    }
}

void on_demand::report(const caller& who, std::string_view error, std::string_view detail) {
    const auto payload = error_payload(error, who.topic, detail);
    spdlog::debug("{}: {} refused: {}", who.controller, who.topic, detail);
    sink_.publish_event(topics_.controller(who.controller, "error"), payload);
    if (!who.response_topic.empty())
        sink_.publish_event(who.response_topic, payload, who.correlation_data);
}

} // namespace mg::features
