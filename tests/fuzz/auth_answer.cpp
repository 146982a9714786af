// A controller's answer to POST /authenticate, as any device at the controller's address can
// send it: the input is the HTTP status as digits, a newline, then the body.

#include "gateway/session/authenticator.hpp"

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto newline = input.find('\n');
    const auto status_text = input.substr(0, newline);
    const auto body =
        newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
    unsigned status = 200;
    std::from_chars(status_text.data(), status_text.data() + status_text.size(), status);

    const auto result = mg::session::interpret_auth_response(status, body);
    // A token is only ever taken from a 2xx answer, and never empty.
    if (result.kind == mg::session::auth_result::outcome::token &&
        (result.value.empty() || status < 200 || status >= 300))
        __builtin_trap();
    return 0;
}
