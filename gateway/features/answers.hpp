#pragma once
// The one place that answers whoever sent a `/get` or a command (README "Commands", CONTRACT
// "Exactly one answer"): the C/error object on C/error, and on an MQTT 5 caller's response
// topic exactly one message with its correlation data: the reply, {"ok":true}, or that same
// error object. It also keeps the callers whose answer comes later, with one bound per
// controller: beyond `max_waiting` waiting `/get`s, or as many waiting commands, the next one
// is answered `busy` at once, so no MQTT client can fill a controller's queue or the
// gateway's memory.

#include "gateway/features/topic_scheme.hpp"
#include "gateway/mqtt/sink.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mg::features {

class answers {
public:
    enum class kind { get, command };
    // Per controller and kind. Gets and commands are counted apart: a dashboard flooding
    // gets must not lock out a wall panel's commands.
    static constexpr std::size_t max_waiting = 8;

    struct caller {
        std::string controller;
        std::string topic; // the /get or /set topic, for C/error and the log
        std::string response_topic;
        std::string correlation_data;
        kind what = kind::get;
        std::string action; // a command's, for the log; empty before it is known
    };

    answers(mqtt::sink& sink, const topic_scheme& topics) : sink_(sink), topics_(topics) {}
    answers(const answers&) = delete;
    answers& operator=(const answers&) = delete;

    static caller from(const mqtt::inbound_message& message, std::string controller, kind what) {
        return {std::move(controller), message.topic, message.response_topic,
                message.correlation_data, what, {}};
    }

    // Keeps the caller until its answer comes and returns its tag for the controller; when
    // `max_waiting` of its kind already wait for that controller, answers `busy` and returns
    // nullopt. Tags are unique across gets and commands.
    std::optional<std::uint64_t> wait(caller who);
    // The caller waiting under `tag`, no longer waiting; nullopt when there is none.
    std::optional<caller> take(std::uint64_t tag);
    std::size_t waiting(std::string_view controller, kind what) const;
    // Takes every caller of one kind waiting for `controller` (it was stopped or reloaded),
    // oldest first, for the feature to answer.
    std::vector<caller> take_all(std::string_view controller, kind what);

    // C/error, and the same object on the response topic.
    void error(const caller& who, std::string_view error, std::string_view detail);
    // A /get's reply, on the response topic only (C/<request> carries it for everybody).
    void reply(const caller& who, std::string_view payload);
    // {"ok":true} on the response topic only.
    void ok(const caller& who);

private:
    mqtt::sink& sink_;
    const topic_scheme& topics_;
    std::map<std::uint64_t, caller> waiting_;
    std::uint64_t next_tag_ = 1;
};

// Payload for C/error: {"error","topic","detail"}.
std::string error_payload(std::string_view error, std::string_view topic, std::string_view detail);

// Why a payload the MQTT gate let through without its body (inbound_message::oversize), or
// one bigger than `limit`, is refused; empty when its size is fine.
std::string oversize_problem(const mqtt::inbound_message& message, std::size_t limit);

} // namespace mg::features
