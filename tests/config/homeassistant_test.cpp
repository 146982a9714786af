// The homeassistant section: off by default, its topics checked like any other topic.
#include "tests/config/fake_environment.hpp"

#include <gtest/gtest.h>

namespace mg::config {
namespace {

using testing::fake_environment;

site_config parse_with(std::string_view section) {
    return fake_environment{}.parse(std::string(testing::minimal_site) + std::string(section));
}

TEST(HomeAssistantConfig, IsOffWhenAbsent) {
    const auto site = fake_environment{}.parse(testing::minimal_site);
    EXPECT_FALSE(site.homeassistant.enabled);
    EXPECT_EQ(site.homeassistant.prefix, "homeassistant");
    EXPECT_EQ(site.homeassistant.status_topic, "homeassistant/status");
}

TEST(HomeAssistantConfig, IsOffUntilEnabledEvenWhenTheSectionIsThere) {
    EXPECT_FALSE(parse_with("homeassistant: { prefix: ha }\n").homeassistant.enabled);
}

TEST(HomeAssistantConfig, ReadsEveryKey) {
    const auto ha = parse_with("homeassistant:\n  enabled: true\n  prefix: ha/discovery\n"
                               "  status_topic: ha/status\n")
                        .homeassistant;
    EXPECT_TRUE(ha.enabled);
    EXPECT_EQ(ha.prefix, "ha/discovery");
    EXPECT_EQ(ha.status_topic, "ha/status");
}

TEST(HomeAssistantConfig, RefusesWildcardsUnknownKeysAndNonBooleans) {
    const fake_environment fake;
    const std::string site(testing::minimal_site);
    EXPECT_NE(fake.error_of(site + "homeassistant: { prefix: \"ha/#\" }\n")
                  .find("homeassistant.prefix: must not contain the MQTT wildcards"),
              std::string::npos);
    EXPECT_NE(fake.error_of(site + "homeassistant: { status_topic: \"+/status\" }\n")
                  .find("homeassistant.status_topic:"),
              std::string::npos);
    EXPECT_NE(fake.error_of(site + "homeassistant: { enable: true }\n")
                  .find("homeassistant.enable: unknown key"),
              std::string::npos);
    EXPECT_NE(
        fake.error_of(site + "homeassistant: { enabled: maybe }\n").find("homeassistant.enabled:"),
        std::string::npos);
}

} // namespace
} // namespace mg::config
