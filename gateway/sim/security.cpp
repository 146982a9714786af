#include "gateway/sim/security.hpp"

#include <algorithm>

namespace mg::sim {

security::security(std::vector<user_credentials> users, clock::duration idle, std::mt19937_64& rng)
    : users_(std::move(users)), idle_(idle), rng_(rng) {
    restart();
}

std::optional<std::string> security::authenticate(std::string_view user, std::string_view password,
                                                  clock::time_point now) {
    const bool known = std::any_of(users_.begin(), users_.end(), [&](const auto& u) {
        return u.name == user && u.password == password;
    });
    if (!known)
        return std::nullopt;
    forget_idle_tokens(now);
    static constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string token;
    do {
        token.clear();
        for (int i = 0; i < 43; ++i)
            token.push_back(alphabet[rng_() % alphabet.size()]);
    } while (tokens_.contains(token));
    tokens_.emplace(token, now);
    return token;
}

bool security::use_token(std::string_view token, clock::time_point now) {
    const auto it = tokens_.find(token);
    if (it == tokens_.end())
        return false;
    if (now - it->second >= idle_) {
        tokens_.erase(it);
        return false;
    }
    it->second = now;
    return true;
}

void security::restart() {
    // Every byte non-zero, so a key can never be mistaken for the all-zero "expired" reply.
    for (auto& byte : key_)
        byte = static_cast<std::uint8_t>(1 + rng_() % 255);
}

void security::forget_idle_tokens(clock::time_point now) {
    std::erase_if(tokens_, [&](const auto& entry) { return now - entry.second >= idle_; });
}

} // namespace mg::sim
