#pragma once
// The number forms the controller's HTTP control API takes (docs/README "mosaic-sim"): a level as
// a fraction or a bounded integer "n:max", a rate, a position. Pure functions, so the rules can be
// table-tested.

#include <optional>
#include <rapidjson/document.h>
#include <string_view>

namespace mg::sim {

// "n:max" with integers 0 <= n <= max and max > 0, as n/max.
std::optional<double> parse_bounded(std::string_view text);

// A level: a JSON number 0.0-1.0, or a bounded string; the fraction it means.
std::optional<double> parse_level(const rapidjson::Value& value);

// A playback rate: a non-negative decimal string ("0.5", "2") or a bounded string.
std::optional<double> parse_rate(std::string_view text);

// A timeline position as a fraction of its length: a decimal string 0.0-1.0 or a bounded string.
std::optional<double> parse_position(std::string_view text);

} // namespace mg::sim
