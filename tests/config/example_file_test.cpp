// config/example.yaml is user documentation; it must stay a valid site file.
#include "tests/config/fake_environment.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

namespace mg::config {
namespace {

using namespace std::chrono_literals;

std::string read_example() {
    std::ifstream in(std::string(MG_SOURCE_DIR) + "/config/example.yaml");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(ExampleFile, IsAValidSiteFile) {
    const auto text = read_example();
    ASSERT_FALSE(text.empty());
    testing::fake_environment fake;
    fake.variables = {{"CREDENTIALS_DIRECTORY", "/run/credentials/mosaic-gateway.service"}};
    fake.files = {{"/run/credentials/mosaic-gateway.service/mqtt", "mqtt-secret\n"},
                  {"/etc/mosaic-gateway/lobby.pass", "lobby-secret\n"}};
    const auto config = fake.parse(text, "/etc/mosaic-gateway/site.yaml");

    EXPECT_EQ(config.site, "hotel-east");
    EXPECT_EQ(config.mqtt.password, "mqtt-secret");
    ASSERT_EQ(config.controllers.size(), 2u);
    const auto& lobby = config.controllers[0];
    EXPECT_EQ(lobby.password, "lobby-secret");
    EXPECT_EQ(lobby.poll.size(), 5u);
    EXPECT_EQ(lobby.poll[4].params_json, R"({"universe":"dmx:2"})");
    EXPECT_EQ(lobby.poll[4].topic, "output/dmx-2");
    const auto& ballroom = config.controllers[1];
    EXPECT_EQ(ballroom.host, "192.0.2.21");
    EXPECT_EQ(ballroom.keepalive, 10s);
    ASSERT_TRUE(config.metrics);
    EXPECT_EQ(config.metrics->port, 9464);
}

} // namespace
} // namespace mg::config
