#include "gateway/sim/control_values.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace mg::sim {
namespace {

// The whole text as a finite decimal number, without sign, exponent or spaces.
std::optional<double> parse_decimal(std::string_view text) {
    if (text.empty() || text.find_first_not_of("0123456789.") != std::string_view::npos)
        return std::nullopt;
    double value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || ptr != text.data() + text.size() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

std::optional<std::uint32_t> parse_count(std::string_view text) {
    std::uint32_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size())
        return std::nullopt;
    return value;
}

} // namespace

std::optional<double> parse_bounded(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos)
        return std::nullopt;
    const auto n = parse_count(text.substr(0, colon));
    const auto max = parse_count(text.substr(colon + 1));
    if (!n || !max || *max == 0 || *n > *max)
        return std::nullopt;
    return static_cast<double>(*n) / static_cast<double>(*max);
}

std::optional<double> parse_level(const rapidjson::Value& value) {
    if (value.IsNumber()) {
        const double fraction = value.GetDouble();
        if (!std::isfinite(fraction) || fraction < 0.0 || fraction > 1.0)
            return std::nullopt;
        return fraction;
    }
    if (value.IsString())
        return parse_bounded({value.GetString(), value.GetStringLength()});
    return std::nullopt;
}

std::optional<double> parse_rate(std::string_view text) {
    if (text.find(':') != std::string_view::npos)
        return parse_bounded(text);
    return parse_decimal(text);
}

std::optional<double> parse_position(std::string_view text) {
    if (text.find(':') != std::string_view::npos)
        return parse_bounded(text);
    const auto value = parse_decimal(text);
    if (!value || *value > 1.0)
        return std::nullopt;
    return value;
}

} // namespace mg::sim
