#pragma once
// Durations as a site file spells them: `500ms`, `10s`, `5m`, `1h`, or a plain number of seconds.

#include "gateway/config/site_config.hpp"

#include <string>
#include <string_view>

namespace mg::config {

// The longest duration accepted anywhere; longer values are almost certainly a unit mistake and
// would overflow nanosecond clock arithmetic further down.
inline constexpr duration max_duration = std::chrono::hours(168);

// Accepts a whole or decimal number with an optional unit (ms, s, m, h; none means seconds), as
// long as the result is a whole number of milliseconds: `1.5s` and `0.25` are fine, `0.5ms` is
// not. Throws std::invalid_argument with a message fit for a user.
duration parse_duration(std::string_view text);

// The shortest spelling parse_duration reads back to the same value: 500ms, 10s, 90s, 5m, 1h.
std::string format_duration(duration value);

} // namespace mg::config
