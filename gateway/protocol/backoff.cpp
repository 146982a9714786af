#include "gateway/protocol/backoff.hpp"

#include <algorithm>

namespace mg::protocol {

backoff::backoff(duration min, duration max, std::uint32_t seed)
    : min_(min), max_(std::max(min, max)), random_(seed) {}

duration backoff::next() {
    // Doubling stops once the cap is reached, so the shift never overflows.
    duration ceiling = min_;
    for (unsigned i = 0; i < attempt_ && ceiling < max_; ++i)
        ceiling *= 2;
    ceiling = std::min(ceiling, max_);
    ++attempt_;
    const auto floor = std::max(min_, ceiling / 2);
    if (ceiling <= floor)
        return floor;
    std::uniform_int_distribution<duration::rep> pick(floor.count(), ceiling.count());
    return duration{pick(random_)};
}

} // namespace mg::protocol
