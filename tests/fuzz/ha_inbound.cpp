// What the Home Assistant discovery feature reads from the broker, written by anyone allowed to
// publish there: retained configs under its prefix (other programs' and its own, from earlier
// runs) and its status topic. The input goes to both, as a retained config of this gateway's
// controller, of no device and of another program, then as the status payload.

#include "gateway/features/ha_discovery.hpp"
#include "tests/support/fake_controller.hpp"
#include "tests/support/recording_sink.hpp"

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace std::chrono_literals;
    const std::string payload(reinterpret_cast<const char*>(data), size);

    boost::asio::io_context loop;
    mg::test::recording_sink sink;
    mg::test::fake_controller lobby{"lobby"};
    const mg::features::topic_scheme topics{"mosaic", "fuzz"};
    mg::features::ha_discovery discovery{sink,
                                         {"homeassistant", "fuzz", topics},
                                         "homeassistant/status",
                                         loop.get_executor(),
                                         {1ms, 2ms, 1ms, 7}};
    discovery.start();
    discovery.on_controller_added(
        lobby, {false, {"timeline", "scene", "group", "beacon", "log"}, "http://127.0.0.1/"});
    for (const auto* topic : {"homeassistant/device/mosaic_1/config",
                              "homeassistant/device/mosaic_gw_fuzz/config",
                              "homeassistant/device/other/config"}) {
        sink.deliver({topic, payload, "", "", true});
        sink.deliver({topic, payload, "", "", false});
    }
    sink.deliver({"homeassistant/status", payload, "", "", false});
    loop.run_for(3ms); // an announcement the status asked for goes out
    discovery.stop();
    return 0;
}
