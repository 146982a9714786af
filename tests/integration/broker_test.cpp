// The broker side: nothing lost while the broker is away, TLS, MQTT 3.1.1.

#include "tests/support/mosquitto.hpp"
#include "tests/support/mqtt_recorder.hpp"
#include "tests/support/sim_process.hpp"
#include "tests/support/test_pki.hpp"

#include <thread>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace mg::test {
namespace {

using namespace std::chrono_literals;

const std::string C = "mosaic/hotel/lobby";

std::string log_frame(int n) {
    // One packed log entry whose text carries its number, so order can be checked.
    return R"({"frame":"{\"broadcast\":\"log\",\"data\":{\"log\":\"\\u0007\\u0015\\u00045dc 68907857entry )" +
           std::to_string(n) + R"(\"}}"})";
}

std::string site_yaml(const std::string& mqtt, const sim_process& sim) {
    return "site: hotel\n"
           "mqtt:\n" + mqtt +
           "controllers:\n"
           "  - { name: lobby, url: '" + sim.url() + "', poll: [], keepalive: 1s }\n";
}

TEST(Broker, OutageLosesNoStateAndKeepsNewestEventsInOrder) {
    mosquitto_options persistent;
    persistent.persistence = true;
    mosquitto broker(persistent);
    broker.start();
    sim_process sim;
    recorder_options options;
    options.uri = broker.paho_uri();
    options.client_id = "outage-recorder";
    options.persistent_session = true;
    mqtt_recorder mqtt(options);
    gateway_process gateway(site_yaml("  url: " + broker.url() + "\n  buffer_messages: 5\n", sim));
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();

    broker.stop();
    sim.control("POST", "/controllers/0/timeline", R"({"num":1,"state":"running","position":100})");
    sim.control("POST", "/controllers/0/timeline", R"({"num":1,"position":900})");
    for (int level = 1; level <= 50; ++level)
        sim.control("POST", "/controllers/0/group", "{\"num\":2,\"level\":" + std::to_string(level) + "}");
    for (int n = 1; n <= 8; ++n)
        sim.control("POST", "/controllers/0/broadcast", log_frame(n));
    broker.start();

    const auto group = mqtt.wait_for(C + "/group/2", [](const auto& m) {
        return m.payload.find(R"("level":50)") != std::string::npos;
    });
    ASSERT_TRUE(group) << gateway.log();
    const auto timeline = mqtt.wait_for(C + "/timeline/1", [](const auto& m) {
        return m.payload.find(R"("position":900)") != std::string::npos;
    });
    ASSERT_TRUE(timeline);
    EXPECT_NE(timeline->payload.find(R"("state":"running")"), std::string::npos);

    // Only the newest five events fit the bound; they arrive in order.
    const auto entries = mqtt.wait_count(C + "/log", 5);
    ASSERT_EQ(entries.size(), 5u) << gateway.log();
    for (std::size_t i = 0; i < entries.size(); ++i)
        EXPECT_NE(entries[i].payload.find("entry " + std::to_string(i + 4)), std::string::npos)
            << entries[i].payload;

    // A subscriber arriving now sees the controller's current state.
    mqtt_recorder late(broker.paho_uri());
    const auto retained = late.wait_for(C + "/group/2");
    ASSERT_TRUE(retained);
    EXPECT_NE(retained->payload.find(R"("level":50)"), std::string::npos);
    EXPECT_EQ(late.wait_for(C + "/status")->payload, "online");

    // The drop count is reported.
    EXPECT_EQ(gateway.stop(), 0);
    const auto stats = mqtt.wait_for("mosaic/hotel/gateway/stats", [](const auto& m) {
        return m.payload.find(R"("dropped":3)") != std::string::npos;
    });
    EXPECT_TRUE(stats) << (mqtt.last("mosaic/hotel/gateway/stats") ? mqtt.last("mosaic/hotel/gateway/stats")->payload : "no stats");
}

TEST(Broker, RestartWithoutPersistenceConvergesFromTheGatewaysCache) {
    mosquitto broker;
    broker.start();
    sim_process sim;
    gateway_process gateway(site_yaml("  url: " + broker.url() + "\n", sim));
    {
        mqtt_recorder mqtt(broker.paho_uri());
        ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
        sim.control("POST", "/controllers/0/scene", R"({"num":3,"state":"started","onstage":true})");
        ASSERT_TRUE(mqtt.wait_for(C + "/scene/3"));
    }
    broker.stop();
    broker.start();
    mqtt_recorder fresh(broker.paho_uri());
    EXPECT_TRUE(fresh.wait_for_payload("mosaic/hotel/gateway/status", "online")) << gateway.log();
    EXPECT_TRUE(fresh.wait_for_payload(C + "/status", "online"));
    const auto scene = fresh.wait_for(C + "/scene/3");
    ASSERT_TRUE(scene);
    EXPECT_TRUE(scene->retained);
    EXPECT_NE(scene->payload.find("started"), std::string::npos);
}

TEST(Broker, Mqtt311ModeBridgesState) {
    mosquitto broker;
    broker.start();
    sim_process sim;
    recorder_options options;
    options.uri = broker.paho_uri();
    options.protocol = 3;
    mqtt_recorder mqtt(options);
    gateway_process gateway(site_yaml("  url: " + broker.url() + "\n  protocol: 3\n", sim));
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
    sim.control("POST", "/controllers/0/group", R"({"num":1,"level":33})");
    EXPECT_TRUE(mqtt.wait_for(C + "/group/1", [](const auto& m) {
        return m.payload.find(R"("level":33)") != std::string::npos;
    }));
    // On-demand get still works; without MQTT 5 there is no response topic.
    std::optional<recorded_message> project;
    for (int attempt = 0; attempt < 20 && !project; ++attempt) {
        mqtt.publish(C + "/project/get", "");
        project = mqtt.wait_for(C + "/project", 500ms);
    }
    EXPECT_TRUE(project) << gateway.log();
    EXPECT_EQ(gateway.stop(), 0);
    EXPECT_TRUE(mqtt.wait_for_payload("mosaic/hotel/gateway/status", "offline"));
}

} // namespace
} // namespace mg::test

namespace mg::test {
namespace {

class BrokerTls : public ::testing::Test {
protected:
    BrokerTls() {
        tls_port = free_tcp_port();
        mosquitto_options options;
        options.extra_config = {"listener " + std::to_string(tls_port) + " 127.0.0.1",
                                "cafile " + pki.ca_cert.string(),
                                "certfile " + pki.server_cert.string(),
                                "keyfile " + pki.server_key.string()};
        broker.emplace(options);
        broker->start();
    }

    std::string tls_yaml(const std::filesystem::path& ca) const {
        return "  url: mqtts://127.0.0.1:" + std::to_string(tls_port) + "\n" +
               "  tls: { ca_file: '" + ca.string() + "' }\n";
    }

    test_pki pki;
    std::uint16_t tls_port = 0;
    std::optional<mosquitto> broker;
};

TEST_F(BrokerTls, VerifiedTlsConnectionCarriesState) {
    sim_process sim;
    mqtt_recorder mqtt(broker->paho_uri());
    gateway_process gateway(site_yaml(tls_yaml(pki.ca_cert), sim));
    EXPECT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
    EXPECT_TRUE(mqtt.wait_for_payload("mosaic/hotel/gateway/status", "online"));
}

TEST_F(BrokerTls, WrongCaIsRefusedWithClearError) {
    sim_process sim;
    mqtt_recorder mqtt(broker->paho_uri());
    gateway_process gateway(site_yaml(tls_yaml(pki.other_ca_cert), sim));
    EXPECT_TRUE(gateway.wait_for_log("TLS", 10s)) << gateway.log();
    EXPECT_FALSE(mqtt.wait_for("mosaic/hotel/gateway/status", 1s));
}

} // namespace
} // namespace mg::test

namespace mg::test {
namespace {

// A long burst of changes to a fixed set of objects while the broker is away is held as one
// value per topic, not as a queue of every change: what reaches the broker afterwards is
// bounded by the number of topics, and equals the controller's state.
TEST(BrokerBurst, ChangesDuringOutageAreCoalescedPerTopic) {
    mosquitto_options persistent;
    persistent.persistence = true;
    mosquitto broker(persistent);
    broker.start();
    recorder_options options;
    options.uri = broker.paho_uri();
    options.client_id = "burst-recorder";
    options.persistent_session = true;
    options.filters = {C + "/#"};
    std::optional<mqtt_recorder> mqtt(std::in_place, options);
    ASSERT_TRUE(mqtt->wait_connected());
    broker.stop();

    // Slow enough that even a sanitizer build keeps up, so the burst is over before the
    // broker returns.
    constexpr int burst = 6000;
    sim_process sim({"--flood-rate", "2000", "--flood-count", std::to_string(burst)});
    gateway_process gateway("site: hotel\nmqtt: { url: '" + broker.url() +
                            "' }\ncontrollers:\n  - { name: lobby, url: '" + sim.url() +
                            "', poll: [], subscribe: [group, timeline] }\n");
    // The flood starts with the simulator, so its first changes may come before the gateway
    // subscribed: the burst is over when the count stops moving, not at an exact number.
    std::int64_t sent = sim.wait_counter(0, "messages_out", [](auto v) { return v >= burst / 2; }, 30s);
    for (std::int64_t before = -1; sent != before;) {
        before = sent;
        sent = sim.wait_counter(0, "messages_out", [before](auto v) { return v != before; }, 500ms);
    }
    ASSERT_GE(sent, burst * 9 / 10) << gateway.log();

    mqtt->clear();
    broker.start();
    ASSERT_TRUE(mqtt->wait_for_payload(C + "/status", "online", 15s)) << gateway.log();
    // Everything held has been delivered once the controller's group reply, asked for now,
    // arrives behind it. The answer comes on a response topic of its own: C/group itself
    // also carries the reply read on connect, held through the outage.
    std::optional<recorded_message> groups;
    for (int attempt = 0; attempt < 20 && !groups; ++attempt) {
        mqtt->publish(C + "/group/get", "", false, C + "/burst-answer", "burst");
        groups = mqtt->wait_for(C + "/burst-answer", 500ms);
    }
    ASSERT_TRUE(groups) << gateway.log();
    std::size_t object_messages = 0;
    for (const auto& m : mqtt->messages())
        object_messages += m.topic.starts_with(C + "/group/") || m.topic.starts_with(C + "/timeline/");
    EXPECT_LT(object_messages, 50u) << "held changes must be coalesced per topic";

    rapidjson::Document reply;
    reply.Parse(groups->payload.c_str());
    ASSERT_TRUE(reply.IsObject() && reply.HasMember("groups"));
    for (const auto& group : reply["groups"].GetArray()) {
        if (!group.HasMember("num"))
            continue;
        const auto topic = C + "/group/" + std::to_string(group["num"].GetInt());
        const auto state = mqtt->last(topic);
        ASSERT_TRUE(state) << topic;
        rapidjson::Document merged;
        merged.Parse(state->payload.c_str());
        EXPECT_EQ(merged["level"].GetInt(), group["level"].GetInt()) << topic;
    }
}

} // namespace
} // namespace mg::test
