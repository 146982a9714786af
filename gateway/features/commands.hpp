#pragma once
// MQTT commands (C/<kind>/.../set) turned into calls of the controller's HTTP API. Pure: the
// control feature feeds the topic below C/ and the payload, with what it has seen of the
// controller's state, and gets the call to make or why the command is refused.

#include "gateway/protocol/control.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <rapidjson/document.h>
#include <string>
#include <string_view>
#include <variant>

namespace mg::features {

// What a command may depend on: `ON` restores the last non-zero level, and the beacon API only
// toggles. Learnt from the controller's broadcasts and replies.
struct command_context {
    std::map<std::uint64_t, double> group_levels;             // last non-zero level, by group
    std::map<std::string, double, std::less<>> target_levels; // by API type ("primary")
    std::optional<bool> beacon;                               // empty until seen

    // Takes in a broadcast on `channel`, or the reply to the request of that name.
    void learn(std::string_view channel, const rapidjson::Value& data);
};

struct command {
    std::string action; // for the log: "start", "master_intensity", "fire", ...
    // Empty when the controller is already in the wanted state: answered ok without a call.
    std::optional<protocol::http_call> call;
};

struct invalid_command {
    std::string detail; // why, for C/error
};

// `suffix` is the topic below C/, for example "timeline/3/set". Payloads over
// protocol::max_payload_bytes, or JSON nested deeper than protocol::max_payload_depth, are
// refused before they are parsed.
std::variant<command, invalid_command>
parse_command(std::string_view suffix, std::string_view payload, const command_context& known);

// The content target type the API takes for a name the controller reports:
// "Primary" -> "primary", "Target 3" -> "target_3".
std::string content_target_type(std::string_view name);

// A 0-100 level as the bounded string the API takes: "40:100", "375:1000", "3725:10000"
// (rounded to a hundredth of a percent).
std::string bounded_level(double percent);

} // namespace mg::features
