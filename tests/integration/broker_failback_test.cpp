// Failover both ways over a list of brokers (README "Configure"): whichever broker is lost,
// the gateway keeps trying every broker in turn, and the one it lands on gets the complete
// retained state, Home Assistant discovery included.

#include "tests/support/mosquitto.hpp"
#include "tests/support/mqtt_recorder.hpp"
#include "tests/support/sim_process.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <set>
#include <thread>

namespace mg::test {
namespace {

using namespace std::chrono_literals;

const std::string P = "mosaic/hotel";
const std::string C = P + "/lobby";

std::set<std::string> retained_state(const mosquitto& broker) {
    std::set<std::string> topics;
    for (const auto& filter : {P + "/#", std::string("homeassistant/#")}) {
        for (auto& t : retained_topics(broker.paho_uri(), filter))
            topics.insert(std::move(t));
    }
    return topics;
}

// Waits until the broker holds every topic of `wanted`; what is missing at the deadline.
std::set<std::string> wait_retained(const mosquitto& broker, const std::set<std::string>& wanted,
                                    std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::set<std::string> missing;
    do {
        const auto held = retained_state(broker);
        missing.clear();
        std::set_difference(wanted.begin(), wanted.end(), held.begin(), held.end(),
                            std::inserter(missing, missing.end()));
        if (missing.empty())
            break;
        std::this_thread::sleep_for(200ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return missing;
}

class BrokerFailback : public ::testing::TestWithParam<int> {};

TEST_P(BrokerFailback, BackOnTheFirstBrokerWithTheWholeRetainedStateWhenTheSecondIsLost) {
    mosquitto a;
    mosquitto b;
    a.start();
    b.start();
    sim_process sim;
    gateway_process gateway("site: hotel\n"
                            "mqtt:\n"
                            "  url: ['" +
                            a.url() + "', '" + b.url() +
                            "']\n"
                            "  protocol: " +
                            std::to_string(GetParam()) +
                            "\n"
                            "controllers:\n"
                            "  - { name: lobby, url: '" +
                            sim.url() +
                            "', keepalive: 1s }\n"
                            "homeassistant: { enabled: true }\n");

    // On A, with the state a fresh subscriber sees there: what must come back later.
    std::set<std::string> state;
    {
        mqtt_recorder on_a(a.paho_uri());
        ASSERT_TRUE(on_a.wait_for_payload(C + "/status", "online")) << gateway.log();
        ASSERT_TRUE(on_a.wait_for("homeassistant/device/mosaic_009060/config")) << gateway.log();
        ASSERT_TRUE(on_a.wait_for(C + "/group/1")) << gateway.log();
        state = retained_state(a);
    }
    for (const auto& topic :
         {P + "/gateway/status", P + "/gateway/info", C + "/status", C + "/connection",
          C + "/system", C + "/group/1", std::string("homeassistant/device/mosaic_gw_hotel/config"),
          std::string("homeassistant/device/mosaic_009060/config")})
        ASSERT_TRUE(state.count(topic)) << topic << " not retained on the first broker";

    // A goes: the gateway moves to B.
    a.stop();
    {
        mqtt_recorder on_b(b.paho_uri());
        ASSERT_TRUE(on_b.wait_for_payload(P + "/gateway/status", "online", 15s)) << gateway.log();
    }
    EXPECT_TRUE(wait_retained(b, state, 10s).empty()) << gateway.log();

    // A comes back empty (no persistence), then B goes: back on A within 15 s, and a new
    // subscriber there sees every retained topic again.
    a.start();
    b.stop();
    const auto lost = std::chrono::steady_clock::now();
    {
        mqtt_recorder on_a(a.paho_uri());
        ASSERT_TRUE(on_a.wait_for_payload(P + "/gateway/status", "online", 15s)) << gateway.log();
        EXPECT_LT(std::chrono::steady_clock::now() - lost, 15s);
    }
    const auto missing = wait_retained(a, state, 10s);
    EXPECT_TRUE(missing.empty()) << *missing.begin() << " and " << missing.size() - 1
                                 << " more missing\n"
                                 << gateway.log();
    EXPECT_EQ(gateway.stop(), 0);
}

INSTANTIATE_TEST_SUITE_P(Protocols, BrokerFailback, ::testing::Values(5, 3),
                         [](const auto& info) { return "Mqtt" + std::to_string(info.param); });

} // namespace
} // namespace mg::test
