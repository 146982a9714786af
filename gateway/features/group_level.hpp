#pragma once
// Group levels as firmware reports them, brought to the 0-100 the topics promise (CONTRACT
// "MQTT topics"). The docs disagree on the scale (docs/protocol.md §5.9): the WebSocket and HTTP
// pages say 0-100, older query.js docs 0-255 (example 128), and commands take a 0.0-1.0 fraction.
// No document says which firmware reports which, so the scale is read from the values themselves
// (inferred): a fraction strictly between 0 and 1 is a fraction, and a level above 100 shows the
// controller counts 0-255, which then holds for every later level of it.

#include <optional>
#include <rapidjson/document.h>

namespace mg::features {

class group_level_scale {
public:
    // The level in percent, or nullopt when `reported` is not a number. Learns the scale.
    std::optional<double> percent(const rapidjson::Value& reported);

    bool counts_to_255() const { return counts_to_255_; }

private:
    bool counts_to_255_ = false;
};

} // namespace mg::features
