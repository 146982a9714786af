#pragma once
// The mosaic-sim command line.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mg::sim {

struct user_credentials {
    std::string name;
    std::string password;
};

// How /api/* answers a call whose bearer token is missing, unknown or expired. The docs leave it
// open: 401 (the vendor's OpenAPI file), a redirect to the login page (browsers), or a 200 body
// {"redirect":"/login"} (what the vendor's own query.js acts on).
enum class expired_token_answer { unauthorized, redirect, body };

// How POST /authenticate answers wrong credentials: a redirect to the Referer (the prose), 401
// (the OpenAPI file), 403, or a 200 JSON body without a token.
enum class wrong_credentials_answer { redirect, unauthorized, forbidden, no_token };

std::optional<expired_token_answer> parse_expired_token_answer(std::string_view text);
std::optional<wrong_credentials_answer> parse_wrong_credentials_answer(std::string_view text);

struct options {
    std::string bind = "127.0.0.1";
    std::uint16_t port = 0; // 0: every controller gets an ephemeral port
    std::size_t controllers = 1;
    std::uint16_t control_port = 0;
    std::uint64_t seed = 1;
    std::chrono::milliseconds tick{0}; // 0: the project changes only through the control API
    std::string hardware = "MSC";      // as reported in `system.hardware_type`
    std::size_t max_connections = 8;
    std::vector<user_credentials> users; // empty: security off
    std::chrono::milliseconds token_idle{300'000};
    // How long an HTTP keep-alive connection may wait for its next request before the
    // controller closes it.
    std::chrono::milliseconds http_idle{120'000};
    bool tls = false;
    expired_token_answer expired_token = expired_token_answer::unauthorized;
    wrong_credentials_answer wrong_credentials = wrong_credentials_answer::redirect;
    std::uint64_t flood_rate = 0;  // messages per second; 0: off
    std::uint64_t flood_count = 0; // 0: unlimited
    bool help = false;
    // --replay FILE: play the controller side of a capture instead of simulating (README,
    // "Field tools"); --controller picks one controller of it, --speed scales its timing.
    std::string replay_file;
    std::string replay_controller;
    double replay_speed = 1.0;
};

struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Throws usage_error with a message naming the offending argument.
options parse_options(const std::vector<std::string_view>& args);

// "500ms", "10s", "5m", "1h" or a plain number of seconds ("1.5").
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

std::string_view usage_text();

} // namespace mg::sim
