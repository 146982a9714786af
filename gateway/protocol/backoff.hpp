#pragma once
// Capped exponential backoff with jitter: the n-th delay is drawn from [d/2, d] where
// d = min(max, min * 2^n), never below min. Jitter keeps many gateways (or many controllers
// behind one) from reconnecting in lock-step after a shared outage.

#include "gateway/protocol/clock.hpp"

#include <cstdint>
#include <random>

namespace mg::protocol {

class backoff {
public:
    backoff(duration min, duration max, std::uint32_t seed);

    duration next();
    void reset() { attempt_ = 0; }
    unsigned attempts() const { return attempt_; }

private:
    duration min_;
    duration max_;
    unsigned attempt_ = 0;
    std::mt19937 random_;
};

} // namespace mg::protocol
