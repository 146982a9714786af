#pragma once
// Text from a controller is not checked for valid UTF-8 when it is parsed; payloads built from it
// must be valid UTF-8 JSON all the same.

#include <string>
#include <string_view>

namespace mg::features {

// Copies `s` with every ill-formed UTF-8 subpart replaced by U+FFFD (one per maximal subpart,
// Unicode §3.9); returns false when `s` is already well-formed and nothing was copied.
bool repair_utf8(std::string_view s, std::string& out);

// `s` itself when well-formed, else the repaired copy.
std::string valid_utf8(std::string_view s);

} // namespace mg::features
