#include "gateway/config/duration.hpp"

#include <cstdint>
#include <stdexcept>

namespace mg::config {
namespace {

constexpr std::string_view expected_form =
    "expected a duration like 500ms, 10s, 5m, 1h or a number of seconds";

std::int64_t unit_millis(std::string_view unit) {
    if (unit == "ms")
        return 1;
    if (unit.empty() || unit == "s")
        return 1000;
    if (unit == "m")
        return 60'000;
    if (unit == "h")
        return 3'600'000;
    return 0;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

} // namespace

duration parse_duration(std::string_view text) {
    std::size_t i = 0;
    std::int64_t whole = 0;
    const std::int64_t whole_limit = max_duration.count();
    const std::size_t whole_start = i;
    for (; i < text.size() && is_digit(text[i]); ++i) {
        // Past the limit the exact value no longer matters, and capping keeps it from overflowing.
        if (whole <= whole_limit)
            whole = whole * 10 + (text[i] - '0');
    }
    if (i == whole_start)
        throw std::invalid_argument(std::string(expected_form));

    std::int64_t fraction = 0;
    std::int64_t fraction_scale = 1;
    if (i < text.size() && text[i] == '.') {
        ++i;
        const std::size_t fraction_start = i;
        for (; i < text.size() && is_digit(text[i]); ++i) {
            // Nine decimals are finer than a millisecond of any unit; more are noise.
            if (fraction_scale == 1'000'000'000)
                throw std::invalid_argument("too many decimals in duration");
            fraction = fraction * 10 + (text[i] - '0');
            fraction_scale *= 10;
        }
        if (i == fraction_start)
            throw std::invalid_argument(std::string(expected_form));
    }

    const std::int64_t unit = unit_millis(text.substr(i));
    if (unit == 0)
        throw std::invalid_argument(std::string(expected_form));
    if (whole > whole_limit / unit)
        throw std::invalid_argument("duration must not exceed " + format_duration(max_duration));
    // fraction < 1e9 and unit <= 3.6e6, so the product fits in 64 bits.
    const std::int64_t fraction_units = fraction * unit;
    if (fraction_units % fraction_scale != 0)
        throw std::invalid_argument("duration must be a whole number of milliseconds");
    const duration value{whole * unit + fraction_units / fraction_scale};
    if (value > max_duration)
        throw std::invalid_argument("duration must not exceed " + format_duration(max_duration));
    return value;
}

std::string format_duration(duration value) {
    const auto ms = value.count();
    if (ms == 0)
        return "0s";
    if (ms % 3'600'000 == 0)
        return std::to_string(ms / 3'600'000) + "h";
    if (ms % 60'000 == 0)
        return std::to_string(ms / 60'000) + "m";
    if (ms % 1000 == 0)
        return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
}

} // namespace mg::config
