#include "gateway/features/group_level.hpp"

#include <algorithm>
#include <cmath>

namespace mg::features {

std::optional<double> group_level_scale::percent(const rapidjson::Value& reported) {
    if (!reported.IsNumber())
        return std::nullopt;
    const double value = reported.GetDouble();
    if (!std::isfinite(value) || value < 0)
        return value;
    if (!reported.IsInt64() && value > 0 && value < 1)
        return value * 100;
    if (value > 100)
        counts_to_255_ = true;
    if (counts_to_255_)
        return std::min(100.0, std::round(value * 100 / 255));
    return value;
}

} // namespace mg::features
