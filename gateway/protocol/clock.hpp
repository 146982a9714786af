#pragma once
// The link reads time through this seam so its rules can be tested without waiting.

#include <chrono>

namespace mg::protocol {

using duration = std::chrono::milliseconds;
using time_point = std::chrono::steady_clock::time_point;

class clock {
public:
    virtual ~clock() = default;
    virtual time_point now() const = 0;
};

class steady_clock final : public clock {
public:
    time_point now() const override { return std::chrono::steady_clock::now(); }
};

} // namespace mg::protocol
