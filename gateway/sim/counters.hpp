#pragma once
// Per-controller counters reported by the control API's /stats.

#include "gateway/sim/json.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace mg::sim {

struct counters {
    std::uint64_t tcp_current = 0;
    std::uint64_t tcp_max = 0;
    std::uint64_t ws_current = 0;
    std::uint64_t ws_max = 0;
    std::uint64_t ws_total = 0;
    std::uint64_t auth_calls = 0;
    std::uint64_t auth_failures = 0;
    std::uint64_t refused = 0;
    std::uint64_t messages_in = 0;
    std::uint64_t messages_without_token = 0;
    std::uint64_t messages_bad_token = 0; // carried a token that is unknown or expired
    std::uint64_t invalid_in = 0;
    std::uint64_t keepalives_in = 0;
    std::uint64_t messages_out = 0;
    std::map<std::string, std::uint64_t, std::less<>> requests_by_name;

    void tcp_opened();
    void tcp_closed();
    void ws_opened();
    void ws_closed();

    // Zeroes everything but the current values; high-water marks restart from them.
    void reset();

    // Writes the members of the counters into an open JSON object.
    void write_members(json::writer& w) const;
};

} // namespace mg::sim
