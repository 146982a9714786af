#include "gateway/features/answers.hpp"

#include "gateway/features/json.hpp"

#include <algorithm>

namespace mg::features {

namespace {
constexpr std::string_view ok_payload = R"({"ok":true})";
}

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

std::string oversize_problem(const mqtt::inbound_message& message, std::size_t limit) {
    const auto size = message.oversize ? message.oversize : message.payload.size();
    if (size <= limit)
        return {};
    return "payload larger than " + std::to_string(limit) + " bytes";
}

std::optional<std::uint64_t> answers::wait(caller who) {
    if (waiting(who.controller, who.what) >= max_waiting) {
        const auto detail = std::to_string(max_waiting) +
                            (who.what == kind::get ? " requests" : " commands") +
                            " are already waiting for '" + who.controller + "'";
        error(who, "busy", detail);
        return std::nullopt;
    }
    const auto tag = next_tag_++;
    waiting_.emplace(tag, std::move(who));
    return tag;
}

std::optional<answers::caller> answers::take(std::uint64_t tag) {
    const auto it = waiting_.find(tag);
    if (it == waiting_.end())
        return std::nullopt;
    auto who = std::move(it->second);
    waiting_.erase(it);
    return who;
}

std::size_t answers::waiting(std::string_view controller, kind what) const {
    return static_cast<std::size_t>(
        std::count_if(waiting_.begin(), waiting_.end(), [&](const auto& e) {
            return e.second.what == what && e.second.controller == controller;
        }));
}

std::vector<answers::caller> answers::take_all(std::string_view controller, kind what) {
    std::vector<caller> taken;
    for (auto it = waiting_.begin(); it != waiting_.end();) {
        if (it->second.what != what || it->second.controller != controller) {
            ++it;
            continue;
        }
        taken.push_back(std::move(it->second));
        it = waiting_.erase(it);
    }
    return taken;
}

void answers::error(const caller& who, std::string_view error, std::string_view detail) {
    const auto payload = error_payload(error, who.topic, detail);
    sink_.publish_event(topics_.controller(who.controller, "error"), payload);
    if (!who.response_topic.empty())
        sink_.publish_event(who.response_topic, payload, who.correlation_data);
}

void answers::reply(const caller& who, std::string_view payload) {
    if (!who.response_topic.empty())
        sink_.publish_event(who.response_topic, payload, who.correlation_data);
}

void answers::ok(const caller& who) {
    if (!who.response_topic.empty())
        sink_.publish_event(who.response_topic, ok_payload, who.correlation_data);
}

} // namespace mg::features
