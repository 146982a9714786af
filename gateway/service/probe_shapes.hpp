#pragma once
// The shapes the gateway's parsers expect of each request reply and channel broadcast
// (docs/protocol.md §4 and §5), and a check naming every field of an answer that differs, for
// `--probe`'s `odd` lines: "system.serial_number is an array, expected a string". Pure.

#include <rapidjson/document.h>
#include <string>
#include <string_view>
#include <vector>

namespace mg::service {

// The `data` of a reply to request `name`.
std::vector<std::string> reply_shape_differences(std::string_view name,
                                                 const rapidjson::Value& data);

// The `data` of a broadcast on `channel`.
std::vector<std::string> broadcast_shape_differences(std::string_view channel,
                                                     const rapidjson::Value& data);

} // namespace mg::service
