// A controller's answer to an HTTP control call (POST /api/...), as any device at the
// controller's address can send it: the input is the HTTP status as digits, a newline, then
// the body. It is read for a fresh token and for "authenticate again", and given to a control
// queue with a call in flight, once and again after a renewed token.

#include "gateway/protocol/control_queue.hpp"
#include "tests/support/manual_clock.hpp"

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace std::chrono_literals;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto newline = input.find('\n');
    const auto status_text = input.substr(0, newline);
    const auto body =
        newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
    unsigned status = 200;
    std::from_chars(status_text.data(), status_text.data() + status_text.size(), status);

    if (const auto token = mg::protocol::answer_token(body); token && token->empty())
        __builtin_trap(); // an empty token is no token
    (void)mg::protocol::needs_authentication(status, body);

    mg::test::manual_clock clock;
    mg::protocol::control_settings settings;
    settings.credentials = true;
    mg::protocol::control_queue queue(settings, clock);
    (void)queue.set_ready(true);
    (void)queue.add({"POST", "/api/timeline", R"({"action":"start","num":1})"}, 1);
    (void)queue.on_connected();
    for (int round = 0; round < 2; ++round) {
        for (const auto& action : queue.on_response(status, body, true)) {
            if (std::holds_alternative<mg::protocol::control_authenticate>(action))
                (void)queue.on_authenticated();
        }
    }
    clock.advance(10s);
    (void)queue.on_timeout();
    return 0;
}
