// The operations settings (README "Metrics and health", "Configuration"): metrics.listen and a
// list of broker URLs.
#include "tests/config/fake_environment.hpp"

#include <gtest/gtest.h>

namespace mg::config {
namespace {

using testing::fake_environment;

std::string site_with(std::string_view lines) {
    return std::string(testing::minimal_site) + std::string(lines);
}

TEST(MetricsSettings, AbsentMeansOff) {
    EXPECT_FALSE(fake_environment{}.parse(testing::minimal_site).metrics);
}

TEST(MetricsSettings, ReadsAddressAndPort) {
    const fake_environment fake;
    const auto v4 = fake.parse(site_with("metrics: { listen: 127.0.0.1:9464 }\n")).metrics;
    ASSERT_TRUE(v4);
    EXPECT_EQ(*v4, (metrics_settings{"127.0.0.1", 9464}));
    const auto any = fake.parse(site_with("metrics:\n  listen: 0.0.0.0:9100\n")).metrics;
    EXPECT_EQ(*any, (metrics_settings{"0.0.0.0", 9100}));
    const auto v6 = fake.parse(site_with("metrics: { listen: '[::1]:9464' }\n")).metrics;
    EXPECT_EQ(*v6, (metrics_settings{"::1", 9464}));
}

TEST(MetricsSettings, RefusesWhatIsNotAnAddressAndPort) {
    const fake_environment fake;
    const std::pair<const char*, const char*> cases[] = {
        {"metrics: { listen: 9464 }\n",
         "site.yaml:5:20: error: metrics.listen: expected ADDRESS:PORT, like 127.0.0.1:9464"},
        {"metrics: { listen: localhost:9464 }\n",
         "site.yaml:5:20: error: metrics.listen: expected an IP address before the port, like "
         "127.0.0.1 or [::1]"},
        {"metrics: { listen: '::1:9464' }\n",
         "site.yaml:5:20: error: metrics.listen: an IPv6 address must be written in brackets, "
         "like [::1]:9464"},
        {"metrics: { listen: 127.0.0.1:0 }\n",
         "site.yaml:5:20: error: metrics.listen: port must be a number from 1 to 65535"},
        {"metrics: { listen: '127.0.0.1:' }\n",
         "site.yaml:5:20: error: metrics.listen: port must be a number from 1 to 65535"},
        {"metrics: {}\n", "site.yaml:5:10: error: metrics.listen: missing required key 'listen'"},
        {"metrics: { port: 9464 }\n", "site.yaml:5:12: error: metrics.port: unknown key 'port'"},
    };
    for (const auto& [yaml, expected] : cases)
        EXPECT_EQ(fake.error_of(site_with(yaml)), expected) << yaml;
}

TEST(BrokerList, OneUrlIsAListOfOne) {
    const auto mqtt = fake_environment{}.parse(testing::minimal_site).mqtt;
    EXPECT_EQ(mqtt.brokers, (std::vector<broker_address>{{"127.0.0.1", 1883}}));
    const auto given = fake_environment{}.parse(site_with("mqtt: { url: mqtt://broker:1884 }\n"));
    EXPECT_EQ(given.mqtt.brokers, (std::vector<broker_address>{{"broker", 1884}}));
    EXPECT_EQ(given.mqtt.host, "broker");
}

TEST(BrokerList, ReadsEveryBrokerInOrder) {
    const auto config = fake_environment{}.parse(site_with(
        "mqtt:\n  url:\n    - mqtt://10.0.0.1\n    - mqtt://[fd00::2]:1884\n    - mqtt://b3\n"));
    const auto& mqtt = config.mqtt;
    EXPECT_EQ(mqtt.url, "mqtt://10.0.0.1");
    EXPECT_EQ(mqtt.host, "10.0.0.1");
    EXPECT_EQ(mqtt.port, 1883);
    EXPECT_EQ(mqtt.brokers,
              (std::vector<broker_address>{{"10.0.0.1", 1883}, {"fd00::2", 1884}, {"b3", 1883}}));
    const auto summary = summarize(config);
    EXPECT_NE(summary.find("mqtt:        mqtt://10.0.0.1:1883 (MQTT 5, qos 1)\n"
                           "  failover:  mqtt://[fd00::2]:1884\n"
                           "  failover:  mqtt://b3:1883\n"),
              std::string::npos)
        << summary;
}

TEST(BrokerList, SummaryNamesTheMetricsAddress) {
    const auto summary =
        summarize(fake_environment{}.parse(site_with("metrics: { listen: '[::1]:9464' }\n")));
    EXPECT_NE(summary.find("metrics:     http://[::1]:9464/metrics and /healthz\n"),
              std::string::npos)
        << summary;
}

TEST(BrokerList, RefusesMixedSchemesRepeatsAndEmptyLists) {
    const fake_environment fake;
    const std::pair<const char*, const char*> cases[] = {
        {"mqtt:\n  url: [mqtt://a, mqtts://b]\n",
         "site.yaml:6:19: error: mqtt.url[1]: every broker in the list must use the same scheme "
         "as the first"},
        {"mqtt:\n  url: [mqtt://a, 'mqtt://a:1883']\n",
         "site.yaml:6:19: error: mqtt.url[1]: this broker is already in the list"},
        {"mqtt:\n  url: []\n", "site.yaml:6:8: error: mqtt.url: expected at least one broker URL"},
        {"mqtt:\n  url: [mqtt://a, ws://b]\n",
         "site.yaml:6:19: error: mqtt.url[1]: scheme must be mqtt or mqtts"},
        {"mqtt:\n  url: [mqtt://a, { host: b }]\n",
         "site.yaml:6:19: error: mqtt.url[1]: expected a string, found a map"},
    };
    for (const auto& [yaml, expected] : cases)
        EXPECT_EQ(fake.error_of(site_with(yaml)), expected) << yaml;
}

} // namespace
} // namespace mg::config
