#pragma once
// /metrics and /healthz bodies (README "Metrics and health"): the Prometheus text exposition
// format and a small JSON health report, written from a snapshot of the gateway's counters.
// The same snapshot feeds P/gateway/stats and /status.json (status_json.hpp): one counter set.
//
// Pure: no sockets, no clock. A scrape appends to one caller-owned buffer; numbers are
// formatted on the stack, so nothing is allocated per metric once the buffer has grown to size.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mg::features {

// The outcomes a command can have, in the order of controller_sample::commands.
inline constexpr std::array<std::string_view, 5> command_results{"ok", "rejected", "failed",
                                                                 "expired", "no_budget"};

// The connection states of C/connection, one series each in mosaic_gateway_controller_state.
inline constexpr std::array<std::string_view, 5> connection_states{
    "connecting", "authenticating", "live", "backoff", "auth_failed"};

struct controller_sample {
    std::string_view name;  // a site file name: letters, digits, '_' and '-' only
    std::string_view state; // link state: live, connecting, backoff, ...
    bool up = false;        // live: WebSocket open and subscribed
    // Broadcasts and replies received; those that were not valid JSON or of an unknown shape
    // are counted in both.
    std::uint64_t messages_in = 0;
    std::uint64_t messages_rejected = 0;
    // Times the WebSocket came up again after the first time.
    std::uint64_t reconnects = 0;
    // Authentications with the controller: every POST /authenticate the gateway made, for the
    // WebSocket's first token, after a session expiry or a redirect, or for a control call
    // whose token was refused; failed ones included.
    std::uint64_t auth_renewals = 0;
    std::array<std::uint64_t, command_results.size()> commands{};
    // Seconds since the last frame from the controller (or since its WebSocket opened);
    // empty while it never was.
    std::optional<double> last_message_age;

    // For the status page only (status_json.hpp); outside input, escaped when written.
    std::string_view url;        // scheme, host, port and path: never credentials
    std::string_view since;      // UTC ISO 8601 of the last state change
    std::string_view serial;     // from the system reply; empty until known
    std::string_view firmware;   // from the system reply
    std::string_view project;    // from the project reply
    std::string_view last_error; // the latest error of a state change; empty when none yet
};

struct mqtt_sample {
    bool connected = false;
    std::uint64_t messages_out = 0;
    std::uint64_t dropped = 0;
    std::uint64_t reconnects = 0;
    std::size_t buffered = 0;
};

struct metrics_snapshot {
    std::string_view version;
    std::string_view site;
    std::span<const controller_sample> controllers;
    mqtt_sample mqtt;
};

// Appends the whole exposition to `out`.
void write_metrics(std::string& out, const metrics_snapshot& snapshot);

// Appends `{"healthy":...,"broker":"connected"|"disconnected","controllers_live":N,
// "controllers_total":M,"not_live":{"<name>":"<state>",...}}` to `out`; returns whether the
// gateway is healthy: broker connected and every controller live.
bool write_health(std::string& out, const metrics_snapshot& snapshot);

} // namespace mg::features
