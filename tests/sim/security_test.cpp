#include "gateway/sim/security.hpp"
#include "tests/sim/running_sim.hpp"

#include <gtest/gtest.h>

namespace mg::sim::test {
namespace {

options secured(std::chrono::milliseconds idle = 300s) {
    options o;
    o.users = {{"api", "secret"}};
    o.token_idle = idle;
    return o;
}

std::string token_from(const http_result& result) {
    const auto doc = parse(result.body);
    return doc.IsObject() && doc.HasMember("token") ? doc["token"].GetString() : "";
}

std::string keepalive(const std::string& token) {
    return R"({"token":")" + token + R"("})";
}

bool is_zero_key(const ws_message& m) {
    return m.binary && m.data == std::string(16, '\0');
}

class SimSecurity : public ::testing::Test {
protected:
    std::string authenticate() {
        const auto result = http_call(sim.port(), "POST", "/authenticate",
                                      R"({"username":"api","password":"secret"})");
        EXPECT_EQ(result.status, 200u) << result.body;
        return token_from(result);
    }

    std::string session_key(const std::string& token) {
        EXPECT_TRUE(client.send_text(keepalive(token)));
        const auto reply = client.read();
        EXPECT_TRUE(reply && reply->binary && reply->data.size() == 16u);
        return reply ? reply->data : "";
    }

    running_sim sim{secured()};
    ws_test_client client;
};

TEST_F(SimSecurity, GoodCredentialsGetAToken) {
    EXPECT_FALSE(authenticate().empty());
    // The form encoding and the older field name `user` work too.
    const auto form = http_call(sim.port(), "POST", "/authenticate", "user=api&password=secret",
                                {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(form.status, 200u);
    EXPECT_FALSE(token_from(form).empty());
    EXPECT_EQ(sim.counter("auth_calls"), 2u);
    EXPECT_EQ(sim.counter("auth_failures"), 0u);
}

TEST_F(SimSecurity, WrongCredentialsRedirectWithoutToken) {
    const auto result =
        http_call(sim.port(), "POST", "/authenticate", R"({"username":"api","password":"wrong"})");
    EXPECT_EQ(result.status, 302u);
    EXPECT_EQ(result.location, "/");
    EXPECT_TRUE(token_from(result).empty());
    const auto missing = http_call(sim.port(), "POST", "/authenticate", R"({"username":"api"})");
    EXPECT_EQ(missing.status, 400u);
    EXPECT_EQ(sim.counter("auth_calls"), 2u);
    EXPECT_EQ(sim.counter("auth_failures"), 2u);
}

TEST_F(SimSecurity, MessagesWithoutTokenAreRedirectedAndNotServed) {
    ASSERT_TRUE(client.connect(sim.port()));
    ASSERT_TRUE(client.send_text(R"({"request":"system","id":1})"));
    ASSERT_TRUE(client.send_text(R"({"subscribe":"timeline"})"));
    for (int i = 0; i < 2; ++i) {
        const auto reply = client.read();
        ASSERT_TRUE(reply);
        EXPECT_EQ(reply->data, R"({"redirect":"/login"})");
    }
    ASSERT_TRUE(client.send_text("{}"));
    const auto key = client.read();
    ASSERT_TRUE(key);
    EXPECT_TRUE(is_zero_key(*key));
    EXPECT_EQ(sim.counter("messages_without_token"), 3u);
    EXPECT_TRUE(sim.stats()["subscriptions"][0]["channels"].Empty());
}

TEST_F(SimSecurity, TokenUnlocksRequestsAndKeepAliveReturnsTheSessionKey) {
    const auto token = authenticate();
    ASSERT_TRUE(client.connect(sim.port()));
    ASSERT_TRUE(client.send_text(R"({"request":"system","id":4,"token":")" + token + R"("})"));
    const auto reply = client.read();
    ASSERT_TRUE(reply);
    EXPECT_EQ(parse(reply->data)["id"].GetUint64(), 4u);
    const auto key = session_key(token);
    EXPECT_NE(key, std::string(16, '\0'));
    EXPECT_EQ(session_key(token), key); // stable while the controller keeps running
    EXPECT_EQ(sim.counter("messages_without_token"), 0u);
}

TEST_F(SimSecurity, ExpireFaultTurnsTheKeepAliveReplyToZeros) {
    const auto token = authenticate();
    ASSERT_TRUE(client.connect(sim.port()));
    session_key(token);
    sim.post("fault", R"({"kind":"expire"})");
    ASSERT_TRUE(client.send_text(keepalive(token)));
    const auto reply = client.read();
    ASSERT_TRUE(reply);
    EXPECT_TRUE(is_zero_key(*reply));
    EXPECT_EQ(sim.counter("messages_bad_token"), 1u);
}

TEST_F(SimSecurity, RestartFaultChangesTheSessionKey) {
    const auto token = authenticate();
    ASSERT_TRUE(client.connect(sim.port()));
    const auto before = session_key(token);
    sim.post("fault", R"({"kind":"restart"})");
    const auto after = session_key(token);
    EXPECT_NE(before, after);
    EXPECT_NE(after, std::string(16, '\0'));
}

TEST_F(SimSecurity, ApiNeedsTheBearerToken) {
    EXPECT_EQ(http_call(sim.port(), "GET", "/api/system").status, 401u);
    const auto result = http_call(sim.port(), "GET", "/api/system", {},
                                  {{"Authorization", "Bearer " + authenticate()}});
    EXPECT_EQ(result.status, 200u);
    const auto doc = parse(result.body);
    EXPECT_STREQ(doc["hardware_type"].GetString(), "MSC");
    EXPECT_TRUE(doc.HasMember("token"));
}

TEST(SimSecurityIdle, TokenExpiresAfterIdleTime) {
    running_sim sim{secured(150ms)};
    const auto token = token_from(http_call(sim.port(), "POST", "/authenticate",
                                            R"({"username":"api","password":"secret"})"));
    ws_test_client client;
    ASSERT_TRUE(client.connect(sim.port()));
    // Idle: nothing is sent for longer than the token's idle time (and nothing arrives).
    EXPECT_FALSE(client.read(300ms));
    ASSERT_TRUE(client.send_text(keepalive(token)));
    const auto reply = client.read();
    ASSERT_TRUE(reply);
    EXPECT_TRUE(is_zero_key(*reply));
}

TEST(SecurityUnit, UseRefreshesTheIdleTimer) {
    std::mt19937_64 rng(1);
    security s({{"u", "p"}}, std::chrono::seconds(10), rng);
    const auto t0 = security::clock::time_point{} + std::chrono::hours(1);
    EXPECT_FALSE(s.authenticate("u", "x", t0));
    const auto token = s.authenticate("u", "p", t0);
    ASSERT_TRUE(token);
    EXPECT_TRUE(s.use_token(*token, t0 + std::chrono::seconds(9)));
    EXPECT_TRUE(s.use_token(*token, t0 + std::chrono::seconds(18)));
    EXPECT_FALSE(s.use_token(*token, t0 + std::chrono::seconds(28)));
    EXPECT_FALSE(s.use_token("unknown", t0));
}

} // namespace
} // namespace mg::sim::test
