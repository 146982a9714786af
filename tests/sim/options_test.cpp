#include "gateway/sim/options.hpp"

#include <gtest/gtest.h>

namespace mg::sim {
namespace {

using namespace std::chrono_literals;

options parse(std::vector<std::string_view> args) {
    return parse_options(args);
}

TEST(SimOptions, DefaultsMatchTheDocumentedCommandLine) {
    const auto o = parse({});
    EXPECT_EQ(o.bind, "127.0.0.1");
    EXPECT_EQ(o.port, 0);
    EXPECT_EQ(o.controllers, 1u);
    EXPECT_EQ(o.control_port, 0);
    EXPECT_EQ(o.seed, 1u);
    EXPECT_EQ(o.tick, 0ms);
    EXPECT_EQ(o.hardware, "MSC");
    EXPECT_EQ(o.max_connections, 8u);
    EXPECT_TRUE(o.users.empty());
    EXPECT_EQ(o.token_idle, 300s);
    EXPECT_FALSE(o.tls);
    EXPECT_EQ(o.flood_rate, 0u);
}

TEST(SimOptions, ReadsEveryFlag) {
    const auto o = parse({"--bind",
                          "0.0.0.0",
                          "--port",
                          "9000",
                          "--controllers",
                          "3",
                          "--control-port=9100",
                          "--seed",
                          "42",
                          "--tick",
                          "500ms",
                          "--hardware",
                          "Atlas",
                          "--user",
                          "api:se:cret",
                          "--user",
                          "b:c",
                          "--token-idle",
                          "2s",
                          "--tls",
                          "--flood-rate",
                          "1000",
                          "--flood-count",
                          "50"});
    EXPECT_EQ(o.bind, "0.0.0.0");
    EXPECT_EQ(o.port, 9000);
    EXPECT_EQ(o.controllers, 3u);
    EXPECT_EQ(o.control_port, 9100);
    EXPECT_EQ(o.seed, 42u);
    EXPECT_EQ(o.tick, 500ms);
    EXPECT_EQ(o.hardware, "Atlas");
    EXPECT_EQ(o.max_connections, 16u);
    ASSERT_EQ(o.users.size(), 2u);
    EXPECT_EQ(o.users[0].name, "api");
    EXPECT_EQ(o.users[0].password, "se:cret");
    EXPECT_EQ(o.token_idle, 2s);
    EXPECT_TRUE(o.tls);
    EXPECT_EQ(o.flood_rate, 1000u);
    EXPECT_EQ(o.flood_count, 50u);
}

TEST(SimOptions, MaxConnectionsOverridesTheHardwareLimitInAnyOrder) {
    EXPECT_EQ(parse({"--max-connections", "2", "--hardware", "MSC_X"}).max_connections, 2u);
    EXPECT_EQ(parse({"--hardware", "msc_x"}).hardware, "MSC X");
}

TEST(SimOptions, AuthenticationAnswersAndAtlasPro) {
    const auto defaults = parse({});
    EXPECT_EQ(defaults.expired_token, expired_token_answer::unauthorized);
    EXPECT_EQ(defaults.wrong_credentials, wrong_credentials_answer::redirect);
    struct row {
        std::string_view expired, wrong;
        expired_token_answer e;
        wrong_credentials_answer w;
    };
    for (const auto& r : {row{"401", "redirect", expired_token_answer::unauthorized,
                              wrong_credentials_answer::redirect},
                          row{"redirect", "401", expired_token_answer::redirect,
                              wrong_credentials_answer::unauthorized},
                          row{"body", "403", expired_token_answer::body,
                              wrong_credentials_answer::forbidden},
                          row{"body", "no-token", expired_token_answer::body,
                              wrong_credentials_answer::no_token}}) {
        const auto o = parse({"--expired-token", r.expired, "--wrong-credentials", r.wrong});
        EXPECT_EQ(o.expired_token, r.e) << r.expired;
        EXPECT_EQ(o.wrong_credentials, r.w) << r.wrong;
    }
    EXPECT_THROW(parse({"--expired-token", "302"}), usage_error);
    EXPECT_THROW(parse({"--wrong-credentials", "body"}), usage_error);
    EXPECT_EQ(defaults.http_idle, 120s);
    EXPECT_EQ(parse({"--http-idle", "5s"}).http_idle, 5s);
    EXPECT_THROW(parse({"--http-idle", "0"}), usage_error);
    const auto pro = parse({"--hardware", "Atlas_Pro"});
    EXPECT_EQ(pro.hardware, "Atlas Pro");
    EXPECT_EQ(pro.max_connections, 16u);
}

TEST(SimOptions, RejectsBadArguments) {
    EXPECT_THROW(parse({"--nope"}), usage_error);
    EXPECT_THROW(parse({"--port"}), usage_error);
    EXPECT_THROW(parse({"--port", "70000"}), usage_error);
    EXPECT_THROW(parse({"--port", "65535", "--controllers", "2"}), usage_error);
    EXPECT_THROW(parse({"--controllers", "0"}), usage_error);
    EXPECT_THROW(parse({"--hardware", "VLC"}), usage_error);
    EXPECT_THROW(parse({"--user", "nopassword"}), usage_error);
    EXPECT_THROW(parse({"--tick", "soon"}), usage_error);
}

TEST(SimOptions, DurationsTakeUnitsOrSeconds) {
    EXPECT_EQ(parse_duration("500ms"), 500ms);
    EXPECT_EQ(parse_duration("10s"), 10s);
    EXPECT_EQ(parse_duration("5m"), 5min);
    EXPECT_EQ(parse_duration("1h"), 1h);
    EXPECT_EQ(parse_duration("1.5"), 1500ms);
    EXPECT_EQ(parse_duration("0"), 0ms);
    EXPECT_FALSE(parse_duration(""));
    EXPECT_FALSE(parse_duration("5d"));
    EXPECT_FALSE(parse_duration("ms"));
}

} // namespace
} // namespace mg::sim
