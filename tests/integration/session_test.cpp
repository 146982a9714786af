// The rules toward each controller (README "Rules toward each controller"), each against a real
// mosaic-sim.

#include "tests/support/mosquitto.hpp"
#include "tests/support/mqtt_recorder.hpp"
#include "tests/support/sim_process.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace mg::test {
namespace {

using namespace std::chrono_literals;

const std::string C = "mosaic/hotel/lobby";

struct controller_yaml {
    std::string url;
    std::string extra; // more keys, each line indented by four spaces
};

std::string site_yaml(const mosquitto& broker, const std::vector<std::pair<std::string, controller_yaml>>& controllers) {
    std::string yaml = "site: hotel\nmqtt:\n  url: " + broker.url() + "\ncontrollers:\n";
    for (const auto& [name, c] : controllers) {
        yaml += "  - name: " + name + "\n    url: " + c.url + "\n" + c.extra;
    }
    return yaml + "logging:\n  level: debug\n";
}

std::string connection_field(const recorded_message& m, const char* field) {
    rapidjson::Document doc;
    doc.Parse(m.payload.c_str());
    if (!doc.IsObject() || !doc.HasMember(field) || !doc[field].IsString())
        return {};
    return doc[field].GetString();
}

auto state_is(const char* state) {
    return [state](const recorded_message& m) { return connection_field(m, "state") == state; };
}

std::size_t occurrences(const std::string& text, std::string_view what) {
    std::size_t count = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++count;
    return count;
}

const std::string fast = "    keepalive: 1s\n    reconnect: { min: 100ms, max: 1s }\n";
const std::string credentials = "    username: gw\n    password: pw-s3cret\n";

class Session : public ::testing::Test {
protected:
    void SetUp() override { broker.start(); }
    mosquitto broker;
};

TEST_F(Session, TokenTravelsInEveryMessage) {
    sim_process sim({"--user", "gw:pw-s3cret"});
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, {{"lobby", {sim.url(), fast + credentials}}}));
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
    ASSERT_TRUE(mqtt.wait_for(C + "/system")) << gateway.log();
    // Subscriptions, requests and at least two keep-alives.
    EXPECT_GE(sim.wait_counter(0, "keepalives_in", [](auto v) { return v >= 2; }), 2);
    EXPECT_GE(sim.counter(0, "messages_in"), 10);
    EXPECT_EQ(sim.counter(0, "messages_without_token"), 0);
    EXPECT_EQ(sim.counter(0, "auth_calls"), 1);
    EXPECT_EQ(gateway.log().find("pw-s3cret"), std::string::npos);
}

TEST_F(Session, AllZeroSessionKeyRecoversWithinTwoSecondsOverOneSocket) {
    sim_process sim({"--user", "gw:pw-s3cret"});
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, {{"lobby", {sim.url(), fast + credentials}}}));
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
    ASSERT_TRUE(mqtt.wait_for(C + "/system"));
    ASSERT_EQ(sim.counter(0, "ws_total"), 1);
    mqtt.clear();

    sim.control("POST", "/controllers/0/fault", R"({"kind":"expire"})");
    // Detection takes up to one keep-alive period; recovery then has two seconds.
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "offline", 2s)) << gateway.log();
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online", 2s)) << gateway.log();
    // The on-connect requests were sent again (their unchanged replies are not republished).
    EXPECT_EQ(sim.wait_requests(0, "system", 2, 2s), 2);
    EXPECT_EQ(sim.counter(0, "auth_calls"), 2);
    EXPECT_EQ(sim.counter(0, "ws_total"), 2);
    EXPECT_EQ(sim.counter(0, "ws_max"), 1) << "never two WebSockets at once";
    EXPECT_LE(sim.counter(0, "tcp_max"), 2) << "within max_connections";
    EXPECT_EQ(sim.counter(0, "messages_without_token"), 0);

    sim.control("POST", "/controllers/0/timeline", R"({"num":1,"state":"running"})");
    EXPECT_TRUE(mqtt.wait_for(C + "/timeline/1", [](const auto& m) {
        return m.payload.find("running") != std::string::npos;
    })) << "subscriptions work on the new socket";
}

TEST_F(Session, NewSessionKeyResubscribesOnTheSameSocket) {
    sim_process sim({"--user", "gw:pw-s3cret"});
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, {{"lobby", {sim.url(), fast + credentials}}}));
    ASSERT_TRUE(mqtt.wait_for(C + "/system")) << gateway.log();
    ASSERT_GE(sim.wait_counter(0, "keepalives_in", [](auto v) { return v >= 1; }), 1);
    sim.control("POST", "/controllers/0/fault", R"({"kind":"restart"})");
    // The next keep-alive reply carries the new key; the on-connect requests follow.
    EXPECT_EQ(sim.wait_requests(0, "system", 2), 2) << gateway.log();
    EXPECT_EQ(sim.counter(0, "ws_total"), 1);
    EXPECT_EQ(sim.counter(0, "ws_total"), 1);
    EXPECT_EQ(sim.counter(0, "auth_calls"), 1);
}

TEST_F(Session, WrongPasswordFailsOnceWithoutAuthenticationStorm) {
    sim_process sim({"--user", "gw:right-password"});
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, {{"lobby", {sim.url(), fast + credentials}}}));
    ASSERT_TRUE(mqtt.wait_for(C + "/connection", state_is("auth_failed"))) << gateway.log();
    EXPECT_EQ(mqtt.last(C + "/status")->payload, "offline");
    // Retried no sooner than a minute: no further call in the next seconds.
    EXPECT_EQ(sim.wait_counter(0, "auth_calls", [](auto v) { return v > 1; }, 3s), 1);
    EXPECT_EQ(sim.counter(0, "ws_total"), 0);
    const auto log = gateway.log();
    EXPECT_EQ(occurrences(log, "credentials rejected"), 1u) << log;
    EXPECT_EQ(log.find("pw-s3cret"), std::string::npos);
    for (const auto& m : mqtt.messages())
        EXPECT_EQ(m.payload.find("pw-s3cret"), std::string::npos) << m.topic;
}

TEST_F(Session, SilentControllerIsReconnectedAfterThreeKeepalivePeriods) {
    sim_process sim;
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, {{"lobby", {sim.url(), fast}}}));
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
    sim.control("POST", "/controllers/0/fault", R"({"kind":"silence","seconds":30})");
    // Silent for three 1s periods, then closed and opened again.
    EXPECT_EQ(sim.wait_counter(0, "ws_total", [](auto v) { return v >= 2; }, 8s), 2)
        << gateway.log();
    EXPECT_NE(gateway.log().find("no frame from controller for 3s"), std::string::npos);
    EXPECT_EQ(sim.counter(0, "ws_max"), 1);
}

TEST_F(Session, DroppedAndRefusedConnectionsRecoverWithBackoff) {
    sim_process sim;
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, {{"lobby", {sim.url(), fast}}}));
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
    mqtt.clear();
    sim.control("POST", "/controllers/0/fault", R"({"kind":"refuse","seconds":2})");
    sim.control("POST", "/controllers/0/fault", R"({"kind":"drop"})");
    ASSERT_TRUE(mqtt.wait_for(C + "/connection", state_is("backoff"), 3s));
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online", 8s)) << gateway.log();
    const auto refused = sim.counter(0, "refused");
    EXPECT_GE(refused, 1);
    // Backoff between 100ms and 1s over two seconds: a handful of attempts, not a storm.
    EXPECT_LE(refused, 12);
    EXPECT_EQ(sim.counter(0, "ws_max"), 1);
    // C/connection follows C/status: wait for it rather than read the last one seen.
    const auto connection = mqtt.wait_for(C + "/connection", [](const auto& m) {
        rapidjson::Document doc;
        doc.Parse(m.payload.c_str());
        return doc.IsObject() && doc["state"] == "live" && doc["reconnects"].GetInt() >= 1;
    });
    EXPECT_TRUE(connection) << mqtt.last(C + "/connection")->payload;
}

TEST_F(Session, GarbageFromControllerChangesNothing) {
    sim_process sim;
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, {{"lobby", {sim.url(), fast}}}));
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
    for (const char* kind : {"garbage", "binary", "oversized"})
        sim.control("POST", "/controllers/0/fault", std::string(R"({"kind":")") + kind + "\"}");
    sim.control("POST", "/controllers/0/scene", R"({"num":2,"state":"started","onstage":true})");
    EXPECT_TRUE(mqtt.wait_for(C + "/scene/2", [](const auto& m) {
        return m.payload.find("started") != std::string::npos;
    })) << gateway.log();
    EXPECT_TRUE(gateway.proc().running());
}

TEST_F(Session, PinnedFingerprintAcceptsSelfSignedCertificate) {
    sim_process sim({"--tls"});
    ASSERT_FALSE(sim.fingerprint().empty());
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(
        broker, {{"lobby", {sim.url(0, "wss"), fast + "    tls: { fingerprint_sha256: \"" +
                                                   sim.fingerprint() + "\" }\n"}}}));
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
    EXPECT_TRUE(mqtt.wait_for(C + "/system"));
}

TEST_F(Session, WrongFingerprintIsRefusedWithClearError) {
    sim_process sim({"--tls"});
    const std::string wrong =
        "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(
        broker, {{"lobby", {sim.url(0, "wss"), fast + "    tls: { fingerprint_sha256: \"" + wrong + "\" }\n"}}}));
    const auto failed = mqtt.wait_for(C + "/connection", [](const auto& m) {
        return connection_field(m, "last_error").find("does not match the pinned one") != std::string::npos;
    });
    ASSERT_TRUE(failed) << gateway.log();
    EXPECT_EQ(sim.counter(0, "ws_total"), 0);
    EXPECT_EQ(mqtt.last(C + "/status")->payload, "offline");
}

TEST_F(Session, UntrustedCertificateIsRefusedWithoutPin) {
    sim_process sim({"--tls"});
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, {{"lobby", {sim.url(0, "wss"), fast}}}));
    ASSERT_TRUE(mqtt.wait_for(C + "/connection", [](const auto& m) {
        return connection_field(m, "last_error").find("certificate not trusted") != std::string::npos;
    })) << gateway.log();
    EXPECT_EQ(sim.counter(0, "ws_total"), 0);
}

TEST_F(Session, ControllerThatIsDownDoesNotDisturbTheOthers) {
    sim_process sim;
    const auto nobody = free_tcp_port();
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(
        broker, {{"cellar", {"ws://127.0.0.1:" + std::to_string(nobody) + "/query", fast}},
                 {"lobby", {sim.url(), fast}}}));
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
    ASSERT_TRUE(mqtt.wait_for("mosaic/hotel/cellar/connection", state_is("backoff")));
    sim.control("POST", "/controllers/0/group", R"({"num":2,"level":12})");
    EXPECT_TRUE(mqtt.wait_for(C + "/group/2", [](const auto& m) {
        return m.payload.find(R"("level":12)") != std::string::npos;
    }));
    EXPECT_EQ(mqtt.last("mosaic/hotel/cellar/status")->payload, "offline");
}

} // namespace
} // namespace mg::test
