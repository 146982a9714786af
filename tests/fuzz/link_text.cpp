// Controller text frames through the link and on into the features that read controller data
// (state topics, on-demand replies), as a session would deliver them. The input is one frame,
// or several separated by NUL bytes (JSON text holds none), so that a reply can meet the
// request it answers and a change can merge into state an earlier frame left.

#include "tests/fuzz/live_bridge.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace std::chrono_literals;
    mg::fuzz::live_bridge bridge;
    auto& driver = bridge.driver;
    // Requests pending whose replies the frames may carry.
    driver.request("system", "", 1);
    driver.request("timeline", "", 2);
    driver.request("log", "", 3);

    std::string_view rest(reinterpret_cast<const char*>(data), size);
    while (true) {
        const auto end = rest.find('\0');
        driver.text(rest.substr(0, end));
        if (end == std::string_view::npos)
            break;
        rest.remove_prefix(end + 1);
    }
    // Whatever is still pending times out; then the socket drops.
    driver.advance(30s);
    driver.close();
    return 0;
}
