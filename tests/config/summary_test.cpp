#include "tests/config/fake_environment.hpp"
#include "tests/config/test_pem.hpp"

#include <gtest/gtest.h>

namespace mg::config {
namespace {

using testing::fake_environment;

TEST(Summary, ShowsDefaultsOfMinimalSiteOnOneScreen) {
    const auto summary = summarize(fake_environment{}.parse(testing::minimal_site));
    EXPECT_EQ(summary, R"(site:        hotel-east
mqtt:        mqtt://127.0.0.1:1883 (MQTT 5, qos 1)
  client id: mosaic-gateway-hotel-east
  topics:    mosaic/hotel-east/...
  buffer:    100000 messages
controllers: 1
  lobby: ws://127.0.0.1:9000/query, auth no, keepalive 10s, 9 channels
    polls: on connect: system, project, controller, timeline, scene, group; every 1m: temperature
    control: commands expire after 5s
homeassistant: off
logging:     info
)");
}

TEST(Summary, ShowsCredentialsTlsAndCustomPolls) {
    fake_environment fake;
    fake.files = {{"/etc/ssl/ca.pem", std::string(testing::certificate_a)}};
    const auto summary = summarize(fake.parse(R"(site: hotel-east
mqtt:
  url: mqtts://[2001:db8::1]
  username: bridge
  protocol: 3
  qos: 2
  base_topic: home/lighting
  tls: { ca_file: /etc/ssl/ca.pem }
controllers:
  - name: lobby
    url: wss://10.0.4.20
    username: gateway
    password: pw
    tls: { verify: false }
    keepalive: 5s
    subscribe: [scene]
    poll:
      - { request: system, every: on_connect }
      - { request: output, every: 5s, params: { universe: "dmx:1" }, topic: output/dmx-1 }
  - name: ballroom
    url: ws://127.0.0.1:9001
    subscribe: []
    poll: []
logging: { level: debug }
)"));
    EXPECT_EQ(summary, R"(site:        hotel-east
mqtt:        mqtts://[2001:db8::1]:8883 (MQTT 3.1.1, qos 2)
  client id: mosaic-gateway-hotel-east
  topics:    home/lighting/hotel-east/...
  user:      bridge
  tls:       verify on, ca /etc/ssl/ca.pem
  buffer:    100000 messages
controllers: 2
  lobby: wss://10.0.4.20:443/query, auth yes (certificate not verified), keepalive 5s, 1 channel
    polls: on connect: system; every 5s: output -> output/dmx-1
    control: commands expire after 5s
  ballroom: ws://127.0.0.1:9001/query, auth no, keepalive 10s, 0 channels
    polls: none
    control: commands expire after 5s
homeassistant: off
logging:     debug
)");
}

TEST(Summary, ShowsReadOnlyTtlAndWarnsWhenTheBudgetLeavesNoRoomForControl) {
    const auto summary = summarize(fake_environment{}.parse(std::string(testing::minimal_site) +
                                                            R"(    max_connections: 1
    command_ttl: 2s
    poll: []
  - name: ballroom
    url: ws://127.0.0.1:9001
    max_connections: 1
    read_only: true
    poll: []
)"));
    EXPECT_NE(summary.find(R"(    polls: none
    control: commands expire after 2s
    warning: max_connections 1 leaves no room for control: every command gets C/error no_budget (set read_only: true if that is meant)
  ballroom: ws://127.0.0.1:9001/query, auth no, keepalive 10s, 9 channels
    polls: none
    control: read-only, no command topics
homeassistant: off
logging:)"),
              std::string::npos)
        << summary;
}

TEST(Summary, SaysWhenHomeAssistantDiscoveryIsOn) {
    const auto summary = summarize(fake_environment{}.parse(std::string(testing::minimal_site) +
                                                            "homeassistant: { enabled: true }\n"));
    EXPECT_NE(summary.find("\nhomeassistant: on, discovery under homeassistant/device/..., "
                           "status homeassistant/status\n"),
              std::string::npos)
        << summary;
}

} // namespace
} // namespace mg::config
