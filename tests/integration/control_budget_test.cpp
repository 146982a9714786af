// Control inside the connection budget (CONTRACT §5 rules 1-3), proved by mosaic-sim's own
// counters of the TCP connections it saw.

#include "tests/support/mosquitto.hpp"
#include "tests/support/mqtt_recorder.hpp"
#include "tests/support/sim_process.hpp"

#include <csignal>
#include <gtest/gtest.h>

namespace mg::test {
namespace {

using namespace std::chrono_literals;

const std::string C = "mosaic/hotel/lobby";
const std::string fast = "    keepalive: 1s\n    reconnect: { min: 100ms, max: 1s }\n";

std::string site_yaml(const mosquitto& broker, const std::string& url, const std::string& extra) {
    return "site: hotel\nmqtt:\n  url: " + broker.url() + "\ncontrollers:\n  - name: lobby\n" +
           "    url: " + url + "\n" + fast + extra + "logging:\n  level: debug\n";
}

class ControlBudget : public ::testing::Test {
protected:
    void SetUp() override { broker.start(); }
    mosquitto broker;
};

TEST_F(ControlBudget, ABurstOfCommandsUsesOneConnectionBesideTheWebSocket) {
    sim_process sim;
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, sim.url(), ""));
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
    sim.control("POST", "/reset-stats");
    for (int i = 0; i < 20; ++i)
        mqtt.publish(C + "/timeline/1/set", i % 2 ? "release" : "start");
    EXPECT_EQ(sim.wait_counter(0, "control_calls", [](auto v) { return v >= 20; }), 20)
        << gateway.log();
    EXPECT_LE(sim.counter(0, "tcp_max"), 2) << "the WebSocket and one control connection";
    EXPECT_LE(sim.counter(0, "tcp_total"), 2) << "the control connection is reused";
    EXPECT_TRUE(mqtt.messages(C + "/error").empty()) << mqtt.messages(C + "/error")[0].payload;
    // Closed after five idle seconds: the web interface gets its room back.
    EXPECT_EQ(sim.wait_counter(
                  0, "tcp_current", [](auto v) { return v == 1; }, 10s),
              1);
}

TEST_F(ControlBudget, ACommandThatCannotBeSentInTimeExpiresAndIsNeverSentLater) {
    sim_process sim;
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, sim.url(), "    command_ttl: 1s\n"));
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
    sim.control("POST", "/controllers/0/fault", R"({"kind":"refuse","seconds":3})");
    sim.control("POST", "/controllers/0/fault", R"({"kind":"drop"})");
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "offline")) << gateway.log();
    mqtt.publish(C + "/scene/2/set", "start");
    const auto expired = mqtt.wait_for(C + "/error", [](const auto& m) {
        return m.payload.find(R"("error":"expired")") != std::string::npos;
    });
    ASSERT_TRUE(expired) << gateway.log();
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online", 10s)) << gateway.log();
    EXPECT_EQ(sim.wait_counter(
                  0, "control_calls", [](auto v) { return v > 0; }, 2s),
              0)
        << "an expired command is never sent";
}

TEST_F(ControlBudget, AnExpiredTokenIsRenewedOnceAndTheCommandStillArrives) {
    sim_process sim({"--user", "gw:pw-s3cret"});
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(
        site_yaml(broker, sim.url(), "    username: gw\n    password: pw-s3cret\n"));
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
    mqtt.publish(C + "/group/1/set", "40", false, "answers/1", "one");
    ASSERT_TRUE(mqtt.wait_for_payload("answers/1", R"({"ok":true})")) << gateway.log();
    const auto auth_before = sim.counter(0, "auth_calls");
    sim.control("POST", "/controllers/0/fault", R"({"kind":"expire"})");
    mqtt.publish(C + "/group/1/set", "60", false, "answers/2", "two");
    const auto answer = mqtt.wait_for("answers/2");
    ASSERT_TRUE(answer) << gateway.log();
    EXPECT_EQ(answer->payload, R"({"ok":true})") << gateway.log();
    EXPECT_EQ(answer->correlation_data, "two");
    EXPECT_GT(sim.counter(0, "auth_calls"), auth_before);
    EXPECT_TRUE(mqtt.wait_for(C + "/group/1", [](const auto& m) {
        return m.payload.find(R"("level":60)") != std::string::npos;
    })) << "the state comes back over the WebSocket";
    // The gateway never holds more than two; the simulator may see a closed connection's end
    // only after the next one's start while both the WebSocket and control renew their token.
    EXPECT_LE(sim.counter(0, "tcp_max"), 3);
    EXPECT_EQ(gateway.log().find("pw-s3cret"), std::string::npos);
}

TEST_F(ControlBudget, WithOneConnectionControlIsRefusedAsNoBudget) {
    sim_process sim;
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, sim.url(), "    max_connections: 1\n"));
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
    mqtt.publish(C + "/timeline/1/set", "start");
    EXPECT_TRUE(mqtt.wait_for(C + "/error", [](const auto& m) {
        return m.payload.find(R"("error":"no_budget")") != std::string::npos;
    })) << gateway.log();
    EXPECT_EQ(sim.counter(0, "control_calls"), 0);
    EXPECT_EQ(sim.counter(0, "tcp_max"), 1);
}

TEST_F(ControlBudget, AReloadThatRestartsTheSessionStaysInsideTheBudget) {
    sim_process sim({"--user", "gw:pw-s3cret"});
    mqtt_recorder mqtt(broker.paho_uri());
    // One connection: the new session's authentication and WebSocket must both wait until the
    // old WebSocket is closed.
    const std::string tight = "    username: gw\n    password: pw-s3cret\n    max_connections: 1\n";
    gateway_process gateway(site_yaml(broker, sim.url(), tight));
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
    sim.control("POST", "/reset-stats");
    for (int reload = 1; reload <= 3; ++reload) {
        mqtt.clear();
        // Changed settings restart the controller's session.
        const auto timeout = "    request_timeout: " + std::to_string(4 + reload) + "s\n";
        gateway.dir().write("site.yaml", site_yaml(broker, sim.url(), tight + timeout));
        gateway.proc().signal(SIGHUP);
        ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "offline")) << gateway.log();
        ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
        EXPECT_EQ(sim.wait_counter(0, "ws_total", [&](auto v) { return v >= reload; }), reload);
    }
    EXPECT_EQ(sim.counter(0, "tcp_max"), 1) << gateway.log();
    EXPECT_EQ(sim.counter(0, "ws_max"), 1);
    EXPECT_GE(sim.counter(0, "auth_calls"), 3);
}

} // namespace
} // namespace mg::test
