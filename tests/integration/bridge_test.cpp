// The first end-to-end slice: a real mosquitto, a real mosaic-sim and the real gateway binary.

#include "tests/support/mosquitto.hpp"
#include "tests/support/mqtt_recorder.hpp"
#include "tests/support/sim_process.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace mg::test {
namespace {

std::string site_yaml(const mosquitto& broker, const sim_process& sim) {
    return "site: hotel\n"
           "mqtt:\n"
           "  url: " + broker.url() + "\n"
           "controllers:\n"
           "  - name: lobby\n"
           "    url: " + sim.url(0) + "\n"
           "  - name: ballroom\n"
           "    url: " + sim.url(1) + "\n"
           "    poll:\n"
           "      - { request: system, every: on_connect }\n"
           "      - { request: timeline, every: on_connect }\n"
           "      - { request: group, every: on_connect }\n"
           "      - { request: output, every: 1s, params: { universe: \"dmx:1\" }, topic: output/dmx-1 }\n"
           "logging:\n"
           "  level: debug\n";
}

rapidjson::Document parse(const std::string& text) {
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    return doc;
}

class Bridge : public ::testing::Test {
protected:
    void SetUp() override { broker.start(); }

    mosquitto broker;
    sim_process sim{{"--controllers", "2", "--tick", "0"}};
};

TEST_F(Bridge, PublishesStateAndFollowsChangesOverOneWebSocketPerController) {
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, sim));

    ASSERT_TRUE(mqtt.wait_for_payload("mosaic/hotel/gateway/status", "online")) << gateway.log();
    ASSERT_TRUE(mqtt.wait_for_payload("mosaic/hotel/lobby/status", "online")) << gateway.log();
    ASSERT_TRUE(mqtt.wait_for_payload("mosaic/hotel/ballroom/status", "online")) << gateway.log();

    // Replies to the on-connect requests, as received, retained.
    const auto system = mqtt.wait_for("mosaic/hotel/lobby/system");
    ASSERT_TRUE(system);
    EXPECT_TRUE(system->retained);
    EXPECT_TRUE(parse(system->payload).HasMember("hardware_type"));
    ASSERT_TRUE(mqtt.wait_for("mosaic/hotel/ballroom/output/dmx-1"));

    // Per-object state learnt from the timeline reply.
    const auto timeline = mqtt.wait_for("mosaic/hotel/lobby/timeline/2");
    ASSERT_TRUE(timeline);
    EXPECT_STREQ(parse(timeline->payload)["name"].GetString(), "Timeline 2");

    // A change in the controller arrives merged with what was learnt before.
    sim.control("POST", "/controllers/0/timeline",
                R"({"num":2,"state":"running","position":1500,"onstage":true})");
    const auto running = mqtt.wait_for("mosaic/hotel/lobby/timeline/2", [](const auto& m) {
        return m.payload.find(R"("state":"running")") != std::string::npos;
    });
    ASSERT_TRUE(running) << gateway.log();
    const auto merged = parse(running->payload);
    EXPECT_STREQ(merged["name"].GetString(), "Timeline 2");
    EXPECT_EQ(merged["position"].GetInt(), 1500);
    EXPECT_TRUE(merged["onstage"].GetBool());

    sim.control("POST", "/controllers/1/group", R"({"num":1,"level":42})");
    const auto group = mqtt.wait_for("mosaic/hotel/ballroom/group/1", [](const auto& m) {
        return m.payload.find(R"("level":42)") != std::string::npos;
    });
    ASSERT_TRUE(group);
    EXPECT_STREQ(parse(group->payload)["name"].GetString(), "Group 1");

    // A late subscriber gets the state at once, flagged retained.
    mqtt_recorder late(broker.paho_uri());
    const auto retained = late.wait_for("mosaic/hotel/lobby/timeline/2");
    ASSERT_TRUE(retained);
    EXPECT_TRUE(retained->retained);
    EXPECT_NE(retained->payload.find(R"("state":"running")"), std::string::npos);

    // Exactly one WebSocket per controller, ever.
    for (std::size_t c = 0; c < 2; ++c) {
        EXPECT_EQ(sim.counter(c, "ws_total"), 1) << "controller " << c;
        EXPECT_EQ(sim.counter(c, "ws_max"), 1) << "controller " << c;
        EXPECT_EQ(sim.counter(c, "tcp_max"), 1) << "controller " << c;
    }

    EXPECT_EQ(gateway.stop(), 0) << gateway.log();
    EXPECT_TRUE(mqtt.wait_for_payload("mosaic/hotel/lobby/status", "offline"));
    EXPECT_TRUE(mqtt.wait_for_payload("mosaic/hotel/gateway/status", "offline"));
    EXPECT_EQ(sim.wait_counter(0, "ws_current", [](auto v) { return v == 0; }), 0);
}

TEST_F(Bridge, UnchangedStateIsNotRepublishedOnEveryPoll) {
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, sim));
    ASSERT_TRUE(mqtt.wait_for("mosaic/hotel/ballroom/output/dmx-1")) << gateway.log();
    // The output poll runs every second; its reply does not change.
    const auto before = sim.counter(1, "messages_in");
    ASSERT_GE(sim.wait_counter(1, "messages_in", [&](auto v) { return v >= before + 3; }),
              before + 3);
    EXPECT_EQ(mqtt.messages("mosaic/hotel/ballroom/output/dmx-1").size(), 1u);
}

} // namespace
} // namespace mg::test
