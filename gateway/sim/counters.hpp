#pragma once
// Per-controller counters reported by the control API's /stats.

#include "gateway/sim/json.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace mg::sim {

struct counters {
    // TCP connections to the controller port, HTTP and WebSocket alike (a WebSocket is an HTTP
    // connection that upgraded): open now, most open at once, and opened in all.
    std::uint64_t tcp_current = 0;
    std::uint64_t tcp_max = 0;
    std::uint64_t tcp_total = 0;
    std::uint64_t ws_current = 0;
    std::uint64_t ws_max = 0;
    std::uint64_t ws_total = 0;
    std::uint64_t auth_calls = 0;
    std::uint64_t auth_failures = 0;
    std::uint64_t refused = 0;
    std::uint64_t http_requests = 0;    // every HTTP request on the controller port
    std::uint64_t control_calls = 0;    // HTTP control calls (every /api/* call but a GET)
    std::uint64_t control_rejected = 0; // those answered with anything but 204
    std::uint64_t triggers_fired = 0;
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
