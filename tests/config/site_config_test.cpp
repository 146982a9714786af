// Valid site files: every field read, and every default filled.
#include "gateway/protocol/catalogue.hpp"
#include "tests/config/fake_environment.hpp"
#include "tests/config/test_pem.hpp"

#include <gtest/gtest.h>

namespace mg::config {
namespace {

using namespace std::chrono_literals;
using testing::fake_environment;
using testing::minimal_site;

// The README's configuration example with its placeholders filled in. The broker URL is mqtts://
// because the example's tls block only makes sense with TLS.
constexpr std::string_view contract_example = R"(
site: hotel-east                   # required, [A-Za-z0-9_-]+, a topic segment
mqtt:
  url: mqtts://127.0.0.1:8883
  client_id: mosaic-gateway-hotel-east
  username: gateway
  password_file: /run/credentials/mosaic-gateway@hotel-east.service/mqtt
  base_topic: mosaic
  qos: 1
  protocol: 5
  tls: { ca_file: /etc/ssl/broker-ca.pem, cert_file: /etc/ssl/gw.pem, key_file: /etc/ssl/gw.key, verify: true }
  buffer_messages: 100000
controllers:
  - name: lobby
    url: wss://10.0.4.20/query
    username: gateway
    password_file: /etc/mosaic-gateway/lobby.pass
    tls: { ca_file: /etc/ssl/lobby-ca.pem, fingerprint_sha256: "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89", verify: true }
    keepalive: 10s
    request_timeout: 10s
    max_connections: 2
    reconnect: { min: 500ms, max: 30s }
    read_only: false               # true: no command topics (section 5)
    command_ttl: 5s                # a command not sent within this is dropped (section 5)
    subscribe: [timeline, scene, group, beacon, lua, log, remote_device, content_target, io_module]
    poll:
      - { request: system, every: on_connect }
      - { request: temperature, every: 60s }
      - { request: output, every: 5s, params: { universe: "dmx:1" }, topic: output/dmx-1 }
logging:
  level: info
)";

fake_environment contract_files() {
    fake_environment fake;
    fake.files = {{"/run/credentials/mosaic-gateway@hotel-east.service/mqtt", "broker-secret\n"},
                  {"/etc/mosaic-gateway/lobby.pass", "lobby-secret"},
                  {"/etc/ssl/broker-ca.pem", std::string(testing::certificate_a)},
                  {"/etc/ssl/gw.pem", std::string(testing::certificate_b)},
                  {"/etc/ssl/gw.key", std::string(testing::key_b)},
                  {"/etc/ssl/lobby-ca.pem", std::string(testing::certificate_a)}};
    return fake;
}

TEST(SiteConfig, ReadsEveryFieldOfContractExample) {
    const auto config = contract_files().parse(contract_example);

    EXPECT_EQ(config.site, "hotel-east");
    const auto& mqtt = config.mqtt;
    EXPECT_EQ(mqtt.url, "mqtts://127.0.0.1:8883");
    EXPECT_TRUE(mqtt.secure);
    EXPECT_EQ(mqtt.host, "127.0.0.1");
    EXPECT_EQ(mqtt.port, 8883);
    EXPECT_EQ(mqtt.client_id, "mosaic-gateway-hotel-east");
    EXPECT_EQ(mqtt.username, "gateway");
    EXPECT_EQ(mqtt.password, "broker-secret");
    EXPECT_EQ(mqtt.base_topic, "mosaic");
    EXPECT_EQ(mqtt.qos, 1);
    EXPECT_EQ(mqtt.protocol, 5);
    ASSERT_TRUE(mqtt.tls);
    EXPECT_EQ(*mqtt.tls,
              (mqtt_tls{"/etc/ssl/broker-ca.pem", "/etc/ssl/gw.pem", "/etc/ssl/gw.key", true}));
    EXPECT_EQ(mqtt.buffer_messages, 100000u);

    ASSERT_EQ(config.controllers.size(), 1u);
    const auto& lobby = config.controllers[0];
    EXPECT_EQ(lobby.name, "lobby");
    EXPECT_EQ(lobby.url, "wss://10.0.4.20/query");
    EXPECT_TRUE(lobby.secure);
    EXPECT_EQ(lobby.host, "10.0.4.20");
    EXPECT_EQ(lobby.port, 443);
    EXPECT_EQ(lobby.path, "/query");
    EXPECT_EQ(lobby.username, "gateway");
    EXPECT_EQ(lobby.password, "lobby-secret");
    EXPECT_TRUE(lobby.has_credentials());
    ASSERT_TRUE(lobby.tls);
    EXPECT_EQ(lobby.tls->ca_file, "/etc/ssl/lobby-ca.pem");
    EXPECT_EQ(lobby.tls->fingerprint_sha256, "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
                                             "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89");
    EXPECT_TRUE(lobby.tls->verify);
    EXPECT_EQ(lobby.keepalive, 10s);
    EXPECT_EQ(lobby.request_timeout, 10s);
    EXPECT_EQ(lobby.max_connections, 2);
    EXPECT_EQ(lobby.reconnect, (reconnect_settings{500ms, 30s}));
    EXPECT_FALSE(lobby.read_only);
    EXPECT_EQ(lobby.command_ttl, 5s);
    EXPECT_EQ(lobby.subscribe,
              (std::vector<std::string>{"timeline", "scene", "group", "beacon", "lua", "log",
                                        "remote_device", "content_target", "io_module"}));
    EXPECT_EQ(lobby.poll, (std::vector<poll_entry>{
                              {"system", std::nullopt, "", "system"},
                              {"temperature", 60s, "", "temperature"},
                              {"output", 5s, R"({"universe":"dmx:1"})", "output/dmx-1"},
                          }));
    EXPECT_EQ(config.logging.level, "info");
}

TEST(SiteConfig, FillsDefaultsForMinimalFile) {
    const auto config = fake_environment{}.parse(minimal_site);

    EXPECT_EQ(config.site, "hotel-east");
    const auto& mqtt = config.mqtt;
    EXPECT_EQ(mqtt.url, "mqtt://127.0.0.1:1883");
    EXPECT_FALSE(mqtt.secure);
    EXPECT_EQ(mqtt.host, "127.0.0.1");
    EXPECT_EQ(mqtt.port, 1883);
    EXPECT_EQ(mqtt.client_id, "mosaic-gateway-hotel-east");
    EXPECT_EQ(mqtt.username, "");
    EXPECT_EQ(mqtt.password, "");
    EXPECT_EQ(mqtt.base_topic, "mosaic");
    EXPECT_EQ(mqtt.qos, 1);
    EXPECT_EQ(mqtt.protocol, 5);
    EXPECT_FALSE(mqtt.tls);
    EXPECT_EQ(mqtt.buffer_messages, 100000u);

    ASSERT_EQ(config.controllers.size(), 1u);
    const auto& lobby = config.controllers[0];
    EXPECT_FALSE(lobby.secure);
    EXPECT_EQ(lobby.host, "127.0.0.1");
    EXPECT_EQ(lobby.port, 9000);
    EXPECT_EQ(lobby.path, "/query");
    EXPECT_FALSE(lobby.has_credentials());
    EXPECT_FALSE(lobby.tls);
    EXPECT_EQ(lobby.keepalive, 10s);
    EXPECT_EQ(lobby.request_timeout, 10s);
    EXPECT_EQ(lobby.max_connections, 2);
    EXPECT_EQ(lobby.reconnect, (reconnect_settings{500ms, 30s}));
    EXPECT_FALSE(lobby.read_only);
    EXPECT_EQ(lobby.command_ttl, 5s);
    EXPECT_EQ(lobby.subscribe, std::vector<std::string>(protocol::mapped_channels.begin(),
                                                        protocol::mapped_channels.end()));
    EXPECT_EQ(lobby.poll, (std::vector<poll_entry>{
                              {"system", std::nullopt, "", "system"},
                              {"project", std::nullopt, "", "project"},
                              {"controller", std::nullopt, "", "controller"},
                              {"timeline", std::nullopt, "", "timeline"},
                              {"scene", std::nullopt, "", "scene"},
                              {"group", std::nullopt, "", "group"},
                              {"temperature", 60s, "", "temperature"},
                          }));
    EXPECT_EQ(config.logging.level, "info");
}

TEST(SiteConfig, DefaultClientIdFollowsSiteWhenMqttSectionGiven) {
    const auto config =
        fake_environment{}.parse(std::string(minimal_site) + "mqtt: { url: mqtt://127.0.0.1 }\n");
    EXPECT_EQ(config.mqtt.client_id, "mosaic-gateway-hotel-east");
}

TEST(SiteConfig, EmptyListsMeanNoSubscriptionsAndNoPolls) {
    const auto config =
        fake_environment{}.parse(std::string(minimal_site) + "    subscribe: []\n    poll: []\n");
    EXPECT_TRUE(config.controllers[0].subscribe.empty());
    EXPECT_TRUE(config.controllers[0].poll.empty());
}

TEST(SiteConfig, StoresCanonicalChannelAndRequestNames) {
    const auto config = fake_environment{}.parse(std::string(minimal_site) +
                                                 R"(    subscribe: [remote-device, rdm_discovery]
    poll:
      - { request: content-target, every: 1m }
)");
    const auto& lobby = config.controllers[0];
    EXPECT_EQ(lobby.subscribe, (std::vector<std::string>{"remote_device", "rdm_discovery"}));
    ASSERT_EQ(lobby.poll.size(), 1u);
    EXPECT_EQ(lobby.poll[0].request, "content_target");
    EXPECT_EQ(lobby.poll[0].topic, "content_target");
    EXPECT_EQ(lobby.poll[0].every, 1min);
}

TEST(SiteConfig, ReadsReadOnlyAndCommandTtl) {
    const auto config = fake_environment{}.parse(std::string(minimal_site) +
                                                 "    read_only: true\n    command_ttl: 1500ms\n");
    EXPECT_TRUE(config.controllers[0].read_only);
    EXPECT_EQ(config.controllers[0].command_ttl, 1500ms);
}

TEST(SiteConfig, ReadsSeveralControllersInOrder) {
    const auto config = fake_environment{}.parse(std::string(minimal_site) + R"(  - name: ballroom
    url: ws://[::1]:9001/ws
    keepalive: 2
    max_connections: 1
    reconnect: { max: 5m }
)");
    ASSERT_EQ(config.controllers.size(), 2u);
    const auto& ballroom = config.controllers[1];
    EXPECT_EQ(ballroom.name, "ballroom");
    EXPECT_EQ(ballroom.host, "::1");
    EXPECT_EQ(ballroom.port, 9001);
    EXPECT_EQ(ballroom.path, "/ws");
    EXPECT_EQ(ballroom.keepalive, 2s);
    EXPECT_EQ(ballroom.max_connections, 1);
    EXPECT_EQ(ballroom.reconnect, (reconnect_settings{500ms, 5min}));
}

TEST(SiteConfig, AcceptsProtocol311AndOtherMqttSettings) {
    const auto config = fake_environment{}.parse(std::string(minimal_site) + R"(mqtt:
  url: mqtt://[::1]
  protocol: "3.1.1"
  qos: 0
  base_topic: home/lighting
  username: bridge
  buffer_messages: 1
logging: { level: debug }
)");
    EXPECT_EQ(config.mqtt.host, "::1");
    EXPECT_EQ(config.mqtt.protocol, 3);
    EXPECT_EQ(config.mqtt.qos, 0);
    EXPECT_EQ(config.mqtt.base_topic, "home/lighting");
    EXPECT_EQ(config.mqtt.username, "bridge");
    EXPECT_EQ(config.mqtt.password, "");
    EXPECT_EQ(config.mqtt.buffer_messages, 1u);
    EXPECT_EQ(config.logging.level, "debug");
}

TEST(SiteConfig, TlsVerifyCanBeTurnedOff) {
    const auto config = fake_environment{}.parse(R"(site: s
controllers:
  - name: lobby
    url: wss://10.0.4.20
    tls: { verify: false }
)");
    ASSERT_TRUE(config.controllers[0].tls);
    EXPECT_FALSE(config.controllers[0].tls->verify);
    EXPECT_EQ(config.controllers[0].tls->fingerprint_sha256, "");
}

struct params_case {
    const char* yaml;
    const char* json;
};

class PollParams : public ::testing::TestWithParam<params_case> {};

TEST_P(PollParams, BecomeCompactJson) {
    fake_environment fake;
    fake.variables = {{"UNIVERSE", "dmx:2"}, {"COUNT", "7"}};
    const auto config = fake.parse(std::string(minimal_site) +
                                   "    poll:\n      - request: output\n        every: 5s\n"
                                   "        params: " +
                                   GetParam().yaml + "\n");
    EXPECT_EQ(config.controllers[0].poll[0].params_json, GetParam().json);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, PollParams,
    ::testing::Values(
        params_case{R"({ universe: "dmx:1" })", R"({"universe":"dmx:1"})"}, params_case{"{}", "{}"},
        params_case{"{ num: 5, level: -12.5, big: 1e3 }", R"({"num":5,"level":-12.5,"big":1e3})"},
        params_case{R"({ quoted: "5", single: '7' })", R"({"quoted":"5","single":"7"})"},
        params_case{"{ on: true, off: false, nothing: null, tilde: ~, empty: }",
                    R"({"on":true,"off":false,"nothing":null,"tilde":null,"empty":null})"},
        params_case{"{ yes_is_text: yes, padded: 007, hex: 0x10 }",
                    R"({"yes_is_text":"yes","padded":"007","hex":"0x10"})"},
        params_case{"{ list: [1, a, [true]], nested: { k: v } }",
                    R"({"list":[1,"a",[true]],"nested":{"k":"v"}})"},
        params_case{R"({ text: "say \"hi\"\n" })", R"({"text":"say \"hi\"\n"})"},
        // Inside { } a `${` must be quoted, which makes it a string; block style keeps numbers.
        params_case{"{ universe: '${UNIVERSE}', count: '${COUNT}' }",
                    R"({"universe":"dmx:2","count":"7"})"},
        params_case{"\n          universe: ${UNIVERSE}\n          count: ${COUNT}",
                    R"({"universe":"dmx:2","count":7})"}));

TEST(SiteConfig, ExpandsEnvironmentInStringValues) {
    fake_environment fake;
    fake.variables = {{"SITE", "hotel-west"},
                      {"BROKER", "127.0.0.1:1884"},
                      {"CTL_PORT", "9100"},
                      {"KEEPALIVE", "3s"}};
    const auto config = fake.parse(R"(site: ${SITE}
mqtt: { url: "mqtt://${BROKER}", client_id: "gw-${SITE}" }
controllers:
  - name: lobby
    url: ws://127.0.0.1:${CTL_PORT}
    keepalive: ${KEEPALIVE}
)");
    EXPECT_EQ(config.site, "hotel-west");
    EXPECT_EQ(config.mqtt.port, 1884);
    EXPECT_EQ(config.mqtt.client_id, "gw-hotel-west");
    EXPECT_EQ(config.controllers[0].url, "ws://127.0.0.1:9100");
    EXPECT_EQ(config.controllers[0].port, 9100);
    EXPECT_EQ(config.controllers[0].keepalive, 3s);
}

TEST(SiteConfig, ReadsPasswordFileThroughEnvironmentAndStripsNewline) {
    fake_environment fake;
    fake.variables = {{"CREDENTIALS_DIRECTORY", "/run/credentials/gw"}};
    fake.files = {{"/run/credentials/gw/mqtt", "s3cret\r\n"},
                  {"/run/credentials/gw/lobby", "pw\n\n"}};
    const auto config = fake.parse(std::string(minimal_site) + R"(    username: gateway
    password_file: ${CREDENTIALS_DIRECTORY}/lobby
mqtt:
  username: gateway
  password_file: ${CREDENTIALS_DIRECTORY}/mqtt
)");
    EXPECT_EQ(config.mqtt.password, "s3cret");
    EXPECT_EQ(config.controllers[0].password, "pw");
}

TEST(SiteConfig, KeepsInnerWhitespaceOfPasswordFile) {
    fake_environment fake;
    fake.files = {{"/pw", " two words \n"}};
    const auto config =
        fake.parse(std::string(minimal_site) + "mqtt: { username: u, password_file: /pw }\n");
    EXPECT_EQ(config.mqtt.password, " two words ");
}

TEST(SiteConfig, TakesInlinePassword) {
    const auto config = fake_environment{}.parse(
        std::string(minimal_site) + "    username: gateway\n    password: 'p@ss: #1'\n");
    EXPECT_EQ(config.controllers[0].password, "p@ss: #1");
}

TEST(SiteConfig, ResolvesRelativeFilesAgainstSiteFileFolder) {
    fake_environment fake;
    fake.files = {{"/etc/mosaic-gateway/lobby.pass", "pw"},
                  {"/etc/mosaic-gateway/ca.pem", std::string(testing::certificate_a)},
                  {"/abs/ca.pem", std::string(testing::certificate_b)}};
    const auto config = fake.parse(R"(site: s
mqtt: { url: "mqtts://127.0.0.1", tls: { ca_file: /abs/ca.pem } }
controllers:
  - name: lobby
    url: wss://10.0.4.20
    username: gateway
    password_file: lobby.pass
    tls: { ca_file: ca.pem }
)",
                                   "/etc/mosaic-gateway/site.yaml");
    EXPECT_EQ(config.controllers[0].password, "pw");
    EXPECT_EQ(config.controllers[0].tls->ca_file, "/etc/mosaic-gateway/ca.pem");
    EXPECT_EQ(config.mqtt.tls->ca_file, "/abs/ca.pem");
}

TEST(SiteConfig, EqualFilesGiveEqualConfigs) {
    const fake_environment fake;
    EXPECT_EQ(fake.parse(minimal_site), fake.parse(minimal_site));
    EXPECT_NE(fake.parse(minimal_site),
              fake.parse(std::string(minimal_site) + "    keepalive: 11s\n"));
}

} // namespace
} // namespace mg::config
