// Controller binary frames (session keys) through the link: the first byte says whether the
// link runs with credentials (token and session key handling) or without; the rest is the
// frame.

#include "gateway/protocol/link.hpp"
#include "tests/support/manual_clock.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace std::chrono_literals;
    if (size == 0)
        return 0;
    mg::test::manual_clock clock;
    mg::protocol::link_settings settings;
    settings.credentials = (data[0] & 1) != 0;
    settings.channels = {"timeline", "scene"};
    mg::protocol::link link(settings, clock);
    link.start();
    if (settings.credentials)
        link.on_authenticated("tok");
    link.on_opened();

    const std::span<const std::uint8_t> frame(data + 1, size - 1);
    link.on_binary(frame);
    // The same key again after a keep-alive, as a live controller answers.
    clock.advance(10s);
    link.on_timeout();
    link.on_binary(frame);
    link.stop();
    return 0;
}
