#pragma once
// Control commands travel over the controller's HTTP API, not the WebSocket. These are the
// plain values that pass between the features that parse commands, the session that sends
// them, and the features that report the outcome.

#include "gateway/protocol/clock.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace mg::protocol {

// One call of the HTTP control API: `POST /api/timeline` with a JSON body, for example.
struct http_call {
    std::string method; // "POST" or "PUT"
    std::string path;   // "/api/timeline"
    std::string body;   // JSON text; empty for a call without a body
    bool operator==(const http_call&) const = default;
};

enum class command_outcome {
    ok,        // the controller accepted it (2xx)
    rejected,  // the controller answered 4xx; `status` and `detail` carry its answer
    failed,    // time-out, lost connection, 5xx
    expired,   // not sent within command_ttl, dropped
    no_budget, // max_connections leaves no room for a control connection
};
std::string_view to_string(command_outcome outcome);

// How a command given with `controller::command` ended. Views are valid during the event.
struct command_result {
    std::uint64_t tag;
    command_outcome outcome;
    unsigned status = 0;     // HTTP status, when the controller answered
    std::string_view detail; // the controller's body, or why it failed
    duration took{};         // from arrival to outcome
};

} // namespace mg::protocol
