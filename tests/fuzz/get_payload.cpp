// MQTT `C/<request>/get` payloads, as any client allowed to publish to the broker can send
// them: delivered to the on-demand feature for a few requests, the requests it makes go
// through a live link, and the controller answers each.

#include "tests/fuzz/live_bridge.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace std::chrono_literals;
    mg::fuzz::live_bridge bridge;
    auto& driver = bridge.driver;

    const std::string payload(reinterpret_cast<const char*>(data), size);
    const std::string c = bridge.topics.controller("lobby");
    for (const char* request : {"system", "output", "lua", "timeline"})
        bridge.sink.deliver({c + "/" + request + "/get", payload, "reply/fuzz", "corr"});

    // Route what on_demand asked for into the link, as the session does, and answer it.
    auto requests = std::move(driver.controller.requests);
    driver.controller.requests.clear();
    for (const auto& r : requests) {
        driver.request(r.name, r.params_json, r.tag);
        driver.text(R"({"request":")" + r.name + R"(","data":{"ok":true}})");
    }
    driver.advance(30s);
    return 0;
}
