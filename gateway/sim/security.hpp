#pragma once
// A controller's optional security: users, bearer tokens with an idle expiry, and the session key
// its keep-alive replies carry.

#include "gateway/sim/options.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace mg::sim {

class security {
public:
    using clock = std::chrono::steady_clock;
    using session_key = std::array<std::uint8_t, 16>;

    security(std::vector<user_credentials> users, clock::duration idle, std::mt19937_64& rng);

    bool enabled() const { return !users_.empty(); }

    // A new token, or nullopt when the credentials are wrong.
    std::optional<std::string> authenticate(std::string_view user, std::string_view password,
                                            clock::time_point now);

    // Whether `token` is live; a live token's idle timer restarts.
    bool use_token(std::string_view token, clock::time_point now);

    // Every token becomes unknown, as after the controller's session store is cleared.
    void expire_all() { tokens_.clear(); }

    // A new session key, as after a reboot.
    void restart();

    const session_key& key() const { return key_; }

private:
    void forget_idle_tokens(clock::time_point now);

    std::vector<user_credentials> users_;
    clock::duration idle_;
    std::mt19937_64& rng_;
    std::map<std::string, clock::time_point, std::less<>> tokens_; // token -> last use
    session_key key_{};
};

} // namespace mg::sim
