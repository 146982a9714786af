// config/example.yaml (the reference) and config/starter.yaml (the file a site starts from) are
// user documentation; both must stay valid site files, with secrets only from credentials.
#include "tests/config/fake_environment.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

namespace mg::config {
namespace {

using namespace std::chrono_literals;

std::string read_config(const std::string& name) {
    std::ifstream in(std::string(MG_SOURCE_DIR) + "/config/" + name);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// As systemd runs the service: credentials in their private folder, nothing secret elsewhere.
testing::fake_environment with_credentials() {
    testing::fake_environment fake;
    fake.variables = {{"CREDENTIALS_DIRECTORY", "/run/credentials/mosaic-gateway@site.service"}};
    fake.files = {{"/run/credentials/mosaic-gateway@site.service/mqtt", "mqtt-secret\n"},
                  {"/run/credentials/mosaic-gateway@site.service/lobby", "lobby-secret\n"}};
    return fake;
}

TEST(ExampleFile, IsAValidSiteFile) {
    const auto text = read_config("example.yaml");
    ASSERT_FALSE(text.empty());
    const auto config = with_credentials().parse(text, "/etc/mosaic-gateway/site.yaml");

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

TEST(StarterFile, IsAValidSiteFileThatTakesItsPasswordsFromCredentials) {
    const auto text = read_config("starter.yaml");
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.find("password:"), std::string::npos) << "no inline password";
    const auto config = with_credentials().parse(text, "/etc/mosaic-gateway/site.yaml");
    EXPECT_EQ(config.mqtt.password, "mqtt-secret");
    ASSERT_EQ(config.controllers.size(), 2u);
    const auto& lobby = config.controllers[0];
    EXPECT_EQ(lobby.password, "lobby-secret");
    EXPECT_TRUE(lobby.secure) << "a password never crosses ws://";
    ASSERT_TRUE(lobby.tls);
    EXPECT_FALSE(lobby.tls->fingerprint_sha256.empty());
    EXPECT_FALSE(config.controllers[1].has_credentials());
}

TEST(StarterFile, WithoutCredentialsNamesTheMissingVariable) {
    testing::fake_environment bare;
    const auto error = bare.error_of(read_config("starter.yaml"), "site.yaml");
    EXPECT_NE(error.find("CREDENTIALS_DIRECTORY"), std::string::npos) << error;
}

} // namespace
} // namespace mg::config
