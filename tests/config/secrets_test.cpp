// Passwords, inline or from files, never leave the config in a diagnostic or the summary.
#include "tests/config/fake_environment.hpp"

#include <gtest/gtest.h>

namespace mg::config {
namespace {

using testing::fake_environment;

constexpr std::string_view secret = "hunter2";

struct leak_case {
    const char* label;
    std::string yaml;
};

std::ostream& operator<<(std::ostream& out, const leak_case& c) {
    return out << c.label;
}

class SecretsInErrors : public ::testing::TestWithParam<leak_case> {};

TEST_P(SecretsInErrors, AreNeverQuoted) {
    fake_environment fake;
    fake.files = {{"/run/mqtt.pass", "hunter2\n"}};
    const auto error = fake.error_of(GetParam().yaml);
    ASSERT_NE(error, "") << "the file was accepted";
    EXPECT_EQ(error.find(secret), std::string::npos) << error;
}

std::string site_with(std::string_view lines) {
    return std::string(testing::minimal_site) + std::string(lines);
}

INSTANTIATE_TEST_SUITE_P(
    Mistakes, SecretsInErrors,
    ::testing::Values(
        leak_case{"PasswordWithoutUsername", site_with("    password: hunter2\n")},
        leak_case{"PasswordAsList", site_with("    username: u\n    password: [hunter2]\n")},
        leak_case{"PasswordAsMap", site_with("    username: u\n    password: { hunter2: 1 }\n")},
        leak_case{"BothForms",
                  site_with("mqtt:\n  username: u\n  password: hunter2\n  password_file: /x\n")},
        leak_case{"UnclosedReference", site_with("    username: u\n    password: hunter2${\n")},
        leak_case{"BadReferenceName", site_with("    username: u\n    password: ${hunter2-x}\n")},
        leak_case{"UnclosedFlow", site_with("    username: u\n    password: [hunter2\n")},
        leak_case{"LaterErrorAfterInlinePassword",
                  site_with("    username: u\n    password: hunter2\n    keepalive: never\n")},
        leak_case{"LaterErrorAfterPasswordFile",
                  site_with("mqtt:\n  username: u\n  password_file: /run/mqtt.pass\n  qos: 7\n")},
        leak_case{"UrlWithCredentials",
                  "site: s\ncontrollers:\n  - name: lobby\n    url: ws://u:hunter2@10.0.4.20\n"}),
    [](const auto& info) { return std::string(info.param.label); });

TEST(Secrets, SummaryShowsOnlyThatPasswordsAreSet) {
    fake_environment fake;
    fake.files = {{"/run/mqtt.pass", "hunter2\n"}};
    const auto config = fake.parse(site_with(R"(    username: gateway
    password: hunter2-lobby
mqtt:
  username: bridge
  password_file: /run/mqtt.pass
)"));
    ASSERT_EQ(config.mqtt.password, "hunter2");
    const auto summary = summarize(config);
    EXPECT_EQ(summary.find(secret), std::string::npos) << summary;
    EXPECT_NE(summary.find("user:      bridge, password: (set)"), std::string::npos) << summary;
    EXPECT_NE(summary.find("auth yes"), std::string::npos) << summary;
}

} // namespace
} // namespace mg::config
