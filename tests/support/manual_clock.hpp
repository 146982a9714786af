#pragma once

#include "gateway/protocol/clock.hpp"

namespace mg::test {

// A clock that moves only when the test says so.
class manual_clock final : public protocol::clock {
public:
    protocol::time_point now() const override { return now_; }
    void advance(protocol::duration d) { now_ += d; }

private:
    protocol::time_point now_{std::chrono::hours(1)};
};

} // namespace mg::test
