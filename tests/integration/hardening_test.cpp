// Faults a controller model written apart from mosaic-sim found, each against the real gateway:
// wrong credentials answered 401/403, explicit gets of unchanged state, a silent controller,
// state that changed while the WebSocket was down, stop and reload mid-connect, IPv6
// literals, and hostile input from MQTT and from the controller.

#include "tests/support/mosquitto.hpp"
#include "tests/support/mqtt_recorder.hpp"
#include "tests/support/sim_process.hpp"

#include <algorithm>
#include <csignal>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mg::test {
namespace {

using namespace std::chrono_literals;

const std::string C = "mosaic/hotel/lobby";
const std::string fast = "    keepalive: 1s\n    reconnect: { min: 100ms, max: 1s }\n";
const std::string credentials = "    username: gw\n    password: pw-s3cret\n";

std::string site_yaml(const mosquitto& broker, const std::string& url,
                      const std::string& extra = fast) {
    return "site: hotel\nmqtt:\n  url: " + broker.url() + "\ncontrollers:\n  - name: lobby\n" +
           "    url: " + url + "\n" + extra + "logging:\n  level: debug\n";
}

std::string field(const recorded_message& m, const char* name) {
    rapidjson::Document doc;
    doc.Parse(m.payload.c_str());
    if (!doc.IsObject() || !doc.HasMember(name) || !doc[name].IsString())
        return {};
    return doc[name].GetString();
}

auto contains(std::string text) {
    return [text](const recorded_message& m) { return m.payload.find(text) != std::string::npos; };
}

// A TCP port that accepts connections (the kernel completes the handshake) and never answers.
class mute_listener {
public:
    mute_listener() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
        ::listen(fd_, 16);
        socklen_t size = sizeof address;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size);
        port_ = ntohs(address.sin_port);
    }
    ~mute_listener() { ::close(fd_); }
    std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/query"; }

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

class Hardening : public ::testing::Test {
protected:
    void SetUp() override { broker.start(); }
    mosquitto broker;
};

class WrongCredentials : public Hardening, public ::testing::WithParamInterface<const char*> {};

TEST_P(WrongCredentials, FailOnceAndAreNotRetriedForAMinute) {
    sim_process sim({"--user", "gw:right-password", "--wrong-credentials", GetParam()});
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, sim.url(), fast + credentials));
    ASSERT_TRUE(mqtt.wait_for(C + "/connection", [](const auto& m) {
        return field(m, "state") == "auth_failed";
    })) << gateway.log();
    EXPECT_EQ(sim.wait_counter(0, "auth_calls", [](auto v) { return v > 1; }, 4s), 1)
        << "a controller may lock the account or fill its log";
    EXPECT_EQ(sim.counter(0, "ws_total"), 0);
    EXPECT_EQ(gateway.log().find("pw-s3cret"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Answers, WrongCredentials,
                         ::testing::Values("401", "403", "redirect", "no-token"),
                         [](const auto& info) {
                             std::string name = info.param;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return "answered_" + name;
                         });

TEST_F(Hardening, AnExplicitGetPublishesItsReplyEvenWhenUnchanged) {
    sim_process sim;
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, sim.url()));
    ASSERT_TRUE(mqtt.wait_for(C + "/system")) << gateway.log();
    mqtt.clear();
    mqtt.publish(C + "/system/get", "");
    ASSERT_EQ(mqtt.wait_count(C + "/system", 1).size(), 1u) << "somebody asked";
    mqtt.publish(C + "/system/get", "");
    EXPECT_EQ(mqtt.wait_count(C + "/system", 2).size(), 2u);
}

TEST_F(Hardening, ASilentControllerGoesOfflineAtOnceAndIsReplacedWithoutWaiting) {
    sim_process sim;
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, sim.url()));
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
    mqtt.clear();
    const auto silent_since = std::chrono::steady_clock::now();
    sim.control("POST", "/controllers/0/fault", R"({"kind":"silence","seconds":9})");
    // Three silent 1 s periods declare it dead; nothing waits on a close handshake after that.
    const auto offline = mqtt.wait_for_payload(C + "/status", "offline", 6s);
    ASSERT_TRUE(offline) << gateway.log();
    EXPECT_LT(offline->at - silent_since, 5s);
    EXPECT_EQ(sim.wait_counter(0, "ws_total", [](auto v) { return v >= 2; }, 6s), 2)
        << "the new WebSocket comes after the backoff, while the old peer is still silent\n"
        << gateway.log();
    EXPECT_LT(std::chrono::steady_clock::now() - silent_since, 9s);
    EXPECT_EQ(sim.counter(0, "ws_max"), 1);
}

TEST_F(Hardening, StateThatChangedWhileTheWebSocketWasDownIsReadAgain) {
    sim_process sim;
    mqtt_recorder mqtt(broker.paho_uri());
    // The default subscriptions and polls: remote devices are never polled by name.
    gateway_process gateway(site_yaml(broker, sim.url()));
    ASSERT_TRUE(mqtt.wait_for(C + "/remote_device/1")) << "read on connect, not only on change";
    sim.control("POST", "/controllers/0/set",
                R"({"request":"remote_device","data":{"remote_devices":[{"num":1,"name":"Renamed RIO","type":"RIO 44","online":true}]}})");
    sim.control("POST", "/controllers/0/fault", R"({"kind":"drop"})");
    EXPECT_TRUE(mqtt.wait_for(C + "/remote_device/1", contains("Renamed RIO"))) << gateway.log();
}

TEST_F(Hardening, StopWhileAControllerIsStillConnectingIsClean) {
    mute_listener mute;
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, mute.url()));
    ASSERT_TRUE(mqtt.wait_for(C + "/connection", [](const auto& m) {
        return field(m, "state") == "connecting";
    })) << gateway.log();
    EXPECT_EQ(gateway.stop(), 0) << gateway.log();
    EXPECT_EQ(mqtt.wait_for_payload(C + "/status", "offline")->payload, "offline");
}

TEST_F(Hardening, ReloadRemovingAControllerThatIsStillConnectingIsClean) {
    mute_listener mute;
    sim_process sim;
    mqtt_recorder mqtt(broker.paho_uri());
    const auto both = "site: hotel\nmqtt:\n  url: " + broker.url() +
                      "\ncontrollers:\n  - name: cellar\n    url: " + mute.url() + "\n" + fast +
                      "  - name: lobby\n    url: " + sim.url() + "\n" + fast;
    gateway_process gateway(both);
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
    ASSERT_TRUE(mqtt.wait_for("mosaic/hotel/cellar/connection", [](const auto& m) {
        return field(m, "state") == "connecting";
    }));
    gateway.dir().write("site.yaml", site_yaml(broker, sim.url()));
    gateway.proc().signal(SIGHUP);
    ASSERT_TRUE(mqtt.wait_for_payload("mosaic/hotel/cellar/status", "offline")) << gateway.log();
    sim.control("POST", "/controllers/0/group", R"({"num":2,"level":33})");
    EXPECT_TRUE(mqtt.wait_for(C + "/group/2", contains(R"("level":33)"))) << gateway.log();
    EXPECT_TRUE(gateway.proc().running());
    EXPECT_EQ(gateway.stop(), 0) << gateway.log();
}

TEST_F(Hardening, AnIpv6LiteralControllerAuthenticatesAndGoesLive) {
    sim_process sim({"--bind", "::1", "--user", "gw:pw-s3cret"});
    mqtt_recorder mqtt(broker.paho_uri());
    const auto url = "ws://[::1]:" + std::to_string(sim.port()) + "/query";
    gateway_process gateway(site_yaml(broker, url, fast + credentials));
    // Online with credentials: /authenticate and the WebSocket both reached [::1] (the sim's
    // control API listens there too, so the test reads nothing else from it).
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
    EXPECT_TRUE(mqtt.wait_for(C + "/system"));
}

TEST_F(Hardening, HostileGetPayloadsAreRefusedAndNothingReachesTheController) {
    sim_process sim;
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, sim.url()));
    ASSERT_TRUE(mqtt.wait_for(C + "/system")) << gateway.log();
    const auto system_before = sim.requests(0, "system");
    mqtt.publish(C + "/system/get", std::string(200000, '[') + std::string(200000, ']'));
    mqtt.publish(C + "/system/get", R"({"subscribe":"log"})");
    mqtt.publish(C + "/system/get", R"({"num":")" + std::string(2'000'000, '1') + "\"}");
    const auto errors = mqtt.wait_count(C + "/error", 3);
    ASSERT_EQ(errors.size(), 3u) << gateway.log();
    for (const auto& e : errors)
        EXPECT_EQ(field(e, "error"), "invalid_payload") << e.payload;
    EXPECT_TRUE(gateway.proc().running());
    EXPECT_EQ(sim.requests(0, "system"), system_before);
    EXPECT_EQ(sim.requests(0, "log"), 0);
}

TEST_F(Hardening, AHostileControllerFrameChangesNothing) {
    sim_process sim;
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, sim.url()));
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
    const auto deep = R"({"broadcast":"lua","data":{"x":)" + std::string(200000, '[') +
                      std::string(200000, ']') + "}}";
    rapidjson::Document body(rapidjson::kObjectType);
    body.AddMember("frame", rapidjson::Value(deep.c_str(), body.GetAllocator()), body.GetAllocator());
    rapidjson::StringBuffer text;
    rapidjson::Writer<rapidjson::StringBuffer> writer(text);
    body.Accept(writer);
    sim.control("POST", "/controllers/0/broadcast", text.GetString());
    sim.control("POST", "/controllers/0/scene", R"({"num":2,"state":"started","onstage":true})");
    EXPECT_TRUE(mqtt.wait_for(C + "/scene/2", contains("started"))) << gateway.log();
    EXPECT_TRUE(gateway.proc().running());
    EXPECT_FALSE(mqtt.last(C + "/lua/x"));
}

} // namespace
} // namespace mg::test
