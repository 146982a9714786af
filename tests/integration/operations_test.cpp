// Operations (README "Metrics and health"): /metrics and /healthz against a real broker and
// simulator, and broker failover over a list of URLs.

#include "tests/support/http_get.hpp"
#include "tests/support/mosquitto.hpp"
#include "tests/support/mqtt_recorder.hpp"
#include "tests/support/sim_process.hpp"

#include <functional>
#include <gtest/gtest.h>
#include <regex>
#include <thread>

namespace mg::test {
namespace {

using namespace std::chrono_literals;

const std::string P = "mosaic/hotel";

std::string metrics_site(const mosquitto& broker, const sim_process& sim, std::uint16_t port) {
    return "site: hotel\n"
           "mqtt: { url: '" +
           broker.url() +
           "' }\n"
           "controllers:\n"
           "  - { name: lobby, url: '" +
           sim.url(0) +
           "', keepalive: 1s,"
           " reconnect: { min: 100ms, max: 500ms } }\n"
           "  - { name: ballroom, url: '" +
           sim.url(1) +
           "', keepalive: 1s,"
           " reconnect: { min: 100ms, max: 500ms } }\n"
           "metrics: { listen: 127.0.0.1:" +
           std::to_string(port) + " }\n";
}

TEST(Operations, MetricsPassPromtoolAndCountTraffic) {
    mosquitto broker;
    broker.start();
    sim_process sim({"--controllers", "2"});
    const auto port = free_tcp_port();
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(metrics_site(broker, sim, port));
    ASSERT_TRUE(mqtt.wait_for_payload(P + "/lobby/status", "online")) << gateway.log();
    ASSERT_TRUE(mqtt.wait_for_payload(P + "/ballroom/status", "online")) << gateway.log();

    const auto up = wait_reply(port, "/metrics", [](const http_reply& r) {
        return r.status == 200 &&
               r.body.find("mosaic_gateway_mqtt_connected 1") != std::string::npos;
    });
    ASSERT_EQ(up.status, 200) << gateway.log();
    EXPECT_NE(up.content_type.find("text/plain; version=0.0.4"), std::string::npos);

    // The real validator of the exposition format and its naming rules.
    temp_dir dir("mg-promtool");
    const auto file = dir.write("metrics.txt", up.body);
    const auto check = run({"sh", "-c", "promtool check metrics < '" + file.string() + "'"});
    EXPECT_EQ(check.exit_code, 0) << check.output << "\n" << up.body;

    for (const auto* name : {"lobby", "ballroom"}) {
        const std::string label = std::string("{controller=\"") + name + "\"}";
        EXPECT_EQ(metrics_sample(up.body, "mosaic_gateway_controller_up" + label), 1) << up.body;
        EXPECT_GE(metrics_sample(up.body, "mosaic_gateway_controller_last_message_age_seconds" + label), 0);
        EXPECT_LT(metrics_sample(up.body, "mosaic_gateway_controller_last_message_age_seconds" + label), 5);
    }
    EXPECT_NE(
        up.body.find("mosaic_gateway_build_info{version=\"" MG_VERSION "\",site=\"hotel\"} 1"),
        std::string::npos);
    EXPECT_NE(up.body.find("mosaic_gateway_controller_commands_total{controller=\"lobby\","
                           "result=\"ok\"}"),
              std::string::npos);

    // Traffic moves the counters.
    const std::string lobby = "{controller=\"lobby\"}";
    // Up comes with the subscriptions; the replies read on connect are counted as they arrive.
    const auto counted = wait_reply(port, "/metrics", [&](const http_reply& r) {
        return metrics_sample(r.body, "mosaic_gateway_controller_messages_received_total" + lobby) >= 1;
    });
    const auto in_before =
        metrics_sample(counted.body, "mosaic_gateway_controller_messages_received_total" + lobby);
    const auto out_before = metrics_sample(counted.body, "mosaic_gateway_mqtt_messages_published_total");
    ASSERT_GE(in_before, 1) << counted.body;
    for (int level = 1; level <= 20; ++level)
        sim.control("POST", "/controllers/0/group",
                    "{\"num\":1,\"level\":" + std::to_string(level) + "}");
    ASSERT_TRUE(mqtt.wait_for(P + "/lobby/group/1", [](const auto& m) {
        return m.payload.find(R"("level":20)") != std::string::npos;
    }));
    const auto after = wait_reply(port, "/metrics", [&](const http_reply& r) {
        return metrics_sample(r.body, "mosaic_gateway_controller_messages_received_total" + lobby) >=
               in_before + 20;
    });
    EXPECT_GE(metrics_sample(after.body, "mosaic_gateway_controller_messages_received_total" + lobby),
              in_before + 20)
        << after.body;
    EXPECT_GE(metrics_sample(after.body, "mosaic_gateway_mqtt_messages_published_total"), out_before + 1);

    // Other paths and methods.
    EXPECT_EQ(http_get(port, "/nothing-here").status, 404);
    EXPECT_EQ(http_get(port, "/metrics/x").status, 404);
    EXPECT_EQ(http_get(port, "/metrics", 5s, "POST").status, 405);
    EXPECT_EQ(http_get(port, "/metrics?name=x").status, 200);
    EXPECT_EQ(gateway.stop(), 0);
}

TEST(Operations, HealthzFollowsBrokerAndControllers) {
    mosquitto broker;
    broker.start();
    sim_process sim({"--controllers", "2"});
    const auto port = free_tcp_port();
    gateway_process gateway(metrics_site(broker, sim, port));

    const auto healthy = [](const http_reply& r) { return r.status == 200; };
    const auto unhealthy = [](const http_reply& r) { return r.status == 503; };
    auto reply = wait_reply(port, "/healthz", healthy);
    ASSERT_EQ(reply.status, 200) << reply.body << gateway.log();
    EXPECT_EQ(reply.content_type, "application/json");
    EXPECT_NE(reply.body.find(R"("healthy":true)"), std::string::npos) << reply.body;
    EXPECT_NE(reply.body.find(R"("controllers_live":2)"), std::string::npos) << reply.body;

    // The broker goes away and comes back.
    broker.stop();
    reply = wait_reply(port, "/healthz", unhealthy);
    ASSERT_EQ(reply.status, 503) << reply.body;
    EXPECT_NE(reply.body.find(R"("broker":"disconnected")"), std::string::npos) << reply.body;
    EXPECT_NE(reply.body.find(R"("healthy":false)"), std::string::npos) << reply.body;
    broker.start();
    reply = wait_reply(port, "/healthz", healthy, 30s);
    EXPECT_EQ(reply.status, 200) << reply.body << gateway.log();

    // A controller goes away (refuses connections for a while) and comes back.
    sim.control("POST", "/controllers/1/fault", R"({"kind":"refuse","seconds":3})");
    sim.control("POST", "/controllers/1/fault", R"({"kind":"drop"})");
    reply = wait_reply(port, "/healthz", unhealthy);
    ASSERT_EQ(reply.status, 503) << reply.body;
    EXPECT_NE(reply.body.find(R"("broker":"connected")"), std::string::npos) << reply.body;
    EXPECT_NE(reply.body.find(R"("not_live":{"ballroom":)"), std::string::npos) << reply.body;
    EXPECT_EQ(reply.body.find("lobby"), std::string::npos) << reply.body;
    const auto metrics = http_get(port, "/metrics");
    EXPECT_EQ(metrics_sample(metrics.body, "mosaic_gateway_controller_up{controller=\"ballroom\"}"), 0);
    reply = wait_reply(port, "/healthz", healthy, 20s);
    EXPECT_EQ(reply.status, 200) << reply.body << gateway.log();
    const auto later = http_get(port, "/metrics");
    EXPECT_GE(
        metrics_sample(later.body, "mosaic_gateway_controller_reconnects_total{controller=\"ballroom\"}"),
        1)
        << later.body;
    EXPECT_EQ(gateway.stop(), 0);
}

TEST(Operations, MetricsAddressInUseIsAFatalError) {
    mosquitto broker;
    broker.start();
    sim_process sim({"--controllers", "2"});
    const auto port = free_tcp_port();
    gateway_process first(metrics_site(broker, sim, port));
    ASSERT_NE(
        wait_reply(port, "/healthz", [](const http_reply& r) { return r.status != 0; }).status, 0);
    gateway_process second(metrics_site(broker, sim, port));
    EXPECT_EQ(second.proc().wait_for_exit(10s), 1) << second.log();
    EXPECT_NE(second.log().find("metrics: cannot listen on 127.0.0.1:" + std::to_string(port)),
              std::string::npos)
        << second.log();
}

// A broker pair: the gateway starts on the first and moves to the second when the first goes.
// The second already holds stale values of this site's topics (as a bridged or persistent
// broker would); the gateway's republished state replaces every one of them.
TEST(Operations, BrokerFailoverRepublishesRetainedState) {
    mosquitto first;
    mosquitto_options persistent;
    persistent.persistence = true;
    mosquitto second(persistent);
    first.start();
    second.start();
    sim_process sim;
    const auto site = "site: hotel\n"
                      "mqtt:\n"
                      "  url: ['" +
                      first.url() + "', '" + second.url() +
                      "']\n"
                      "controllers:\n"
                      "  - { name: lobby, url: '" +
                      sim.url() + "', keepalive: 1s }\n";
    const std::string C = P + "/lobby";
    const auto level = [](int n) {
        return [n](const recorded_message& m) {
            return m.payload.find("\"level\":" + std::to_string(n) + ",") != std::string::npos ||
                   m.payload.find("\"level\":" + std::to_string(n) + "}") != std::string::npos;
        };
    };
    const auto set_level = [&](int n) {
        sim.control("POST", "/controllers/0/group",
                    "{\"num\":1,\"level\":" + std::to_string(n) + "}");
    };
    {
        mqtt_recorder stale(second.paho_uri());
        stale.publish(C + "/group/1", R"({"num":1,"level":5})", true);
        stale.publish(C + "/status", "offline", true);
        stale.publish(P + "/gateway/status", "offline", true);
        ASSERT_TRUE(stale.wait_for(C + "/group/1", level(5)));
    }
    gateway_process gateway(site);
    {
        mqtt_recorder on_first(first.paho_uri());
        ASSERT_TRUE(on_first.wait_for_payload(C + "/status", "online")) << gateway.log();
        set_level(10);
        ASSERT_TRUE(on_first.wait_for(C + "/group/1", level(10))) << gateway.log();
    }
    // The first broker goes; a change made meanwhile reaches the second.
    first.stop();
    set_level(20);
    {
        mqtt_recorder on_second(second.paho_uri());
        ASSERT_TRUE(on_second.wait_for_payload(P + "/gateway/status", "online", 30s))
            << gateway.log();
        EXPECT_TRUE(on_second.wait_for_payload(C + "/status", "online"));
        EXPECT_TRUE(on_second.wait_for(C + "/group/1", level(20))) << gateway.log();
        // The whole retained cache came along, not only what changed.
        EXPECT_TRUE(on_second.wait_for(C + "/connection"));
        EXPECT_TRUE(on_second.wait_for(C + "/system"));
        set_level(30);
        EXPECT_TRUE(on_second.wait_for(C + "/group/1", level(30)));
    }
    EXPECT_NE(gateway.log().find("connected to 127.0.0.1:" + std::to_string(second.port()) +
                                 " (broker 2 of 2)"),
              std::string::npos)
        << gateway.log() << "\nfirst broker:\n"
        << first.log() << "\nsecond broker:\n"
        << second.log();

    // A late subscriber sees only current values: nothing stale is left.
    mqtt_recorder late(second.paho_uri());
    const auto group = late.wait_for(C + "/group/1", 5s);
    ASSERT_TRUE(group);
    EXPECT_TRUE(group->retained);
    EXPECT_TRUE(level(30)(*group)) << group->payload;
    EXPECT_EQ(late.wait_for(C + "/status", 5s)->payload, "online");
    EXPECT_EQ(late.wait_for(P + "/gateway/status", 5s)->payload, "online");
    EXPECT_EQ(gateway.stop(), 0);
}

} // namespace
} // namespace mg::test
