// What the broker keeps: objects gone from a project lose their retained topics, and after a
// crash the restarted gateway corrects every C/status (README, "MQTT topics").

#include "tests/support/mosquitto.hpp"
#include "tests/support/mqtt_recorder.hpp"
#include "tests/support/sim_process.hpp"

#include <algorithm>
#include <csignal>
#include <gtest/gtest.h>

namespace mg::test {
namespace {

const std::string P = "mosaic/hotel";

std::string site_yaml(const mosquitto& broker, const sim_process& sim, std::size_t controllers) {
    std::string yaml = "site: hotel\nmqtt: { url: '" + broker.url() + "' }\ncontrollers:\n";
    for (std::size_t i = 0; i < controllers; ++i)
        yaml += "  - { name: c" + std::to_string(i) + ", url: '" + sim.url(i) +
                "', keepalive: 1s, reconnect: { min: 100ms, max: 500ms } }\n";
    return yaml;
}

bool holds(const std::vector<std::string>& topics, const std::string& topic) {
    return std::find(topics.begin(), topics.end(), topic) != topics.end();
}

class RetainedState : public ::testing::Test {
protected:
    void SetUp() override { broker.start(); }
    mosquitto broker;
};

TEST_F(RetainedState, ObjectGoneFromTheProjectIsClearedOnlyByAWholeList) {
    sim_process sim({"--tick", "0"});
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, sim, 1));
    const auto C = P + "/c0";
    ASSERT_TRUE(mqtt.wait_for(C + "/timeline/4")) << gateway.log();
    ASSERT_TRUE(mqtt.wait_for(C + "/timeline")) << gateway.log();

    // The new project has timelines 1 and 2 only.
    sim.control("POST", "/controllers/0/set",
                R"({"request":"timeline","data":{"timelines":[)"
                R"({"num":1,"name":"Timeline 1","state":"none"},)"
                R"({"num":2,"name":"Timeline 2","state":"none"}]}})");

    // A filtered request answers for some timelines only: it proves nothing about the others.
    mqtt.clear();
    mqtt.publish(C + "/timeline/get", R"({"num":"1-2"})");
    ASSERT_TRUE(mqtt.wait_for(C + "/timeline")) << gateway.log();
    EXPECT_TRUE(holds(retained_topics(broker.paho_uri(), C + "/timeline/#"), C + "/timeline/4"));

    // The whole list does.
    mqtt.publish(C + "/timeline/get", "");
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/timeline/4", "")) << gateway.log();
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/timeline/3", "")) << gateway.log();
    auto left = retained_topics(broker.paho_uri(), C + "/timeline/#");
    std::erase(left, C + "/timeline"); // the reply itself, which the filter matches too
    std::sort(left.begin(), left.end());
    EXPECT_EQ(left, (std::vector<std::string>{C + "/timeline/1", C + "/timeline/2"}));
}

TEST_F(RetainedState, AfterACrashTheRestartedGatewayCorrectsEveryControllerStatus) {
    sim_process sim({"--controllers", "2", "--tick", "0"});
    mqtt_recorder mqtt(broker.paho_uri());
    const auto yaml = site_yaml(broker, sim, 2);
    {
        gateway_process crashed(yaml);
        ASSERT_TRUE(mqtt.wait_for_payload(P + "/c0/status", "online")) << crashed.log();
        ASSERT_TRUE(mqtt.wait_for_payload(P + "/c1/status", "online")) << crashed.log();
        crashed.proc().signal(SIGKILL);
        ASSERT_EQ(crashed.proc().wait_for_exit(10s), 128 + SIGKILL);
    }
    // The will covers the gateway only: what the crash leaves behind is stale.
    ASSERT_TRUE(mqtt.wait_for_payload(P + "/gateway/status", "offline"));
    EXPECT_EQ(mqtt.last(P + "/c0/status")->payload, "online");
    EXPECT_EQ(mqtt.last(P + "/c1/status")->payload, "online");

    // While the gateway was away, c1 became unreachable.
    sim.control("POST", "/controllers/1/fault", R"({"kind":"refuse","seconds":60})");
    mqtt.clear();
    gateway_process restarted(yaml);
    ASSERT_TRUE(mqtt.wait_for_payload(P + "/gateway/status", "online")) << restarted.log();
    EXPECT_TRUE(mqtt.wait_for_payload(P + "/c1/status", "offline")) << restarted.log();
    EXPECT_TRUE(mqtt.wait_for_payload(P + "/c0/status", "online")) << restarted.log();
    const auto connection = mqtt.wait_for(P + "/c1/connection", [](const recorded_message& m) {
        return m.payload.find(R"("state":"live")") == std::string::npos;
    });
    EXPECT_TRUE(connection);

    // A subscriber arriving now is told the truth by the retained messages.
    mqtt_recorder late(broker.paho_uri());
    EXPECT_TRUE(late.wait_for_payload(P + "/c1/status", "offline"));
    EXPECT_TRUE(late.wait_for_payload(P + "/c0/status", "online"));
}

} // namespace
} // namespace mg::test
