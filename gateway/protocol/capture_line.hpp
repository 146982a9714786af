#pragma once
// One line of a capture file (docs/capture-format.md): a compact JSON object with the time, the
// controller and what happened, every string redacted first. Pure.

#include "gateway/protocol/capture_redactor.hpp"
#include "gateway/protocol/traffic.hpp"

#include <string>

namespace mg::protocol {

// `seconds` since the capture began; written with millisecond resolution. No newline.
std::string capture_line(capture_redactor& redactor, double seconds, const traffic& event);

// The last line of a capture that hit its size bound.
std::string capture_stopped_line(double seconds, std::string_view controller,
                                 std::string_view reason);

// Whether `text` is well-formed UTF-8 (a JSON string must be).
bool is_utf8(std::string_view text);

} // namespace mg::protocol
