// The HTTP control API over real sockets: broadcasts, keep-alive, the budget and security.

#include "tests/sim/running_sim.hpp"

#include <gtest/gtest.h>

namespace mg::sim::test {
namespace {

options secured() {
    options o;
    o.users = {{"api", "secret"}};
    return o;
}

std::string token_of(std::uint16_t port) {
    const auto doc = parse(http_call(port, "POST", "/authenticate",
                                     R"({"username":"api","password":"secret"})")
                               .body);
    return doc.IsObject() && doc.HasMember("token") ? doc["token"].GetString() : "";
}

TEST(SimHttpControlLive, AChangeMadeOverHttpIsBroadcastToSubscribers) {
    running_sim sim;
    ws_test_client client;
    ASSERT_TRUE(client.connect(sim.port()));
    for (const auto* channel : {"timeline", "group", "beacon"})
        ASSERT_TRUE(client.send_text(std::string(R"({"subscribe":")") + channel + R"("})"));
    ASSERT_TRUE(eventually([&] {
        const auto s = sim.stats();
        const auto& subscriptions = s["subscriptions"];
        return subscriptions.Size() == 1 && subscriptions[0]["channels"].Size() == 3;
    }));

    EXPECT_EQ(http_call(sim.port(), "POST", "/api/timeline", R"({"action":"start","num":2})")
                  .status,
              204u);
    auto frame = client.read();
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->data, R"({"broadcast":"timeline","data":{"num":2,"state":"running",)"
                           R"("onstage":true,"position":0}})");

    EXPECT_EQ(http_call(sim.port(), "POST", "/api/group",
                        R"({"action":"master_intensity","num":1,"level":0.4})")
                  .status,
              204u);
    frame = client.read();
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->data, R"({"broadcast":"group","data":{"level":40,"name":"Group 1","num":1}})");

    EXPECT_EQ(http_call(sim.port(), "POST", "/api/beacon").status, 204u);
    frame = client.read();
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->data, R"({"broadcast":"beacon","data":{"on":true}})");

    // A rejected call changes nothing and sends nothing.
    EXPECT_EQ(http_call(sim.port(), "POST", "/api/timeline", R"({"action":"start","num":9})")
                  .status,
              400u);
    EXPECT_FALSE(client.read(200ms));
    EXPECT_EQ(sim.counter("control_calls"), 4u);
    EXPECT_EQ(sim.counter("control_rejected"), 1u);
}

TEST(SimHttpControlLive, OneKeepAliveConnectionServesManyCalls) {
    running_sim sim;
    keep_alive_client connection;
    ASSERT_TRUE(connection.connect(sim.port()));
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(connection.call("POST", "/api/timeline", R"({"action":"toggle","num":1})").status,
                  204u);
    EXPECT_EQ(connection.call("GET", "/api/timeline?num=1").status, 200u);
    EXPECT_EQ(sim.counter("tcp_total"), 1u);
    EXPECT_EQ(sim.counter("tcp_current"), 1u);
    EXPECT_EQ(sim.counter("http_requests"), 6u);
    // Still open after a pause between calls.
    EXPECT_FALSE(connection.closed_by_server(300ms));
    EXPECT_EQ(connection.call("POST", "/api/beacon", {}, {}, true).status, 204u);
    EXPECT_TRUE(connection.closed_by_server());
    EXPECT_TRUE(eventually([&] { return sim.counter("tcp_current") == 0; }));
    EXPECT_EQ(sim.counter("tcp_total"), 1u);
}

TEST(SimHttpControlLive, AnIdleKeepAliveConnectionIsClosedAfterHttpIdle) {
    options o;
    o.http_idle = 300ms;
    running_sim sim{o};
    keep_alive_client connection;
    ASSERT_TRUE(connection.connect(sim.port()));
    EXPECT_EQ(connection.call("POST", "/api/beacon").status, 204u);
    EXPECT_FALSE(connection.closed_by_server(100ms));
    EXPECT_EQ(connection.call("POST", "/api/beacon").status, 204u); // the timer restarted
    EXPECT_TRUE(connection.closed_by_server(2s));
    EXPECT_TRUE(eventually([&] { return sim.counter("tcp_current") == 0; }));
}

TEST(SimHttpControlLive, OpenHttpConnectionsCountAgainstTheBudget) {
    options o;
    o.max_connections = 2;
    running_sim sim{o};
    ws_test_client ws;
    ASSERT_TRUE(ws.connect(sim.port()));
    keep_alive_client control;
    ASSERT_TRUE(control.connect(sim.port()));
    EXPECT_EQ(control.call("POST", "/api/beacon").status, 204u);
    ASSERT_TRUE(eventually([&] { return sim.counter("tcp_current") == 2; }));
    EXPECT_EQ(sim.counter("tcp_total"), 2u);
    EXPECT_EQ(sim.counter("tcp_max"), 2u);
    // The idle keep-alive connection still holds its slot.
    EXPECT_EQ(http_call(sim.port(), "POST", "/api/beacon").status, 0u);
    EXPECT_EQ(sim.counter("refused"), 1u);
    EXPECT_EQ(control.call("POST", "/api/beacon").status, 204u);
}

class SimHttpControlSecurity : public ::testing::Test {
protected:
    http_result call(const std::string& token) {
        header_list headers;
        if (!token.empty())
            headers.push_back({"Authorization", "Bearer " + token});
        return http_call(sim.port(), "POST", "/api/timeline", R"({"action":"start","num":1})",
                         headers);
    }

    running_sim sim{secured()};
};

TEST_F(SimHttpControlSecurity, ControlNeedsTheBearerToken) {
    EXPECT_EQ(call("").status, 401u);
    EXPECT_EQ(call("not-a-token").status, 401u);
    const auto token = token_of(sim.port());
    const auto ok = call(token);
    EXPECT_EQ(ok.status, 204u);
    EXPECT_TRUE(ok.body.empty()); // no body, so no refreshed token
    const auto calls = parse(sim.control("GET", "/controllers/0/http-calls").body);
    ASSERT_EQ(calls["calls"].Size(), 3u);
    EXPECT_FALSE(calls["calls"][0]["bearer"].GetBool());
    EXPECT_EQ(calls["calls"][0]["status"].GetUint(), 401u);
    EXPECT_TRUE(calls["calls"][2]["bearer"].GetBool());
    EXPECT_EQ(calls["calls"][2]["status"].GetUint(), 204u);
    EXPECT_EQ(sim.control("GET", "/controllers/0/http-calls").body.find(token), std::string::npos);
}

TEST_F(SimHttpControlSecurity, TheExpireFaultForcesANewAuthentication) {
    const auto token = token_of(sim.port());
    EXPECT_EQ(call(token).status, 204u);
    sim.post("fault", R"({"kind":"expire"})");
    EXPECT_EQ(call(token).status, 401u);
    EXPECT_EQ(call(token_of(sim.port())).status, 204u);
}

TEST_F(SimHttpControlSecurity, TheExpiredTokenAnswerIsSwitchable) {
    sim.post("auth-answers", R"({"expired_token":"redirect"})");
    auto reply = call("stale");
    EXPECT_EQ(reply.status, 302u);
    EXPECT_EQ(reply.location, "/login");
    EXPECT_EQ(http_call(sim.port(), "GET", "/api/system").status, 302u);

    sim.post("auth-answers", R"({"expired_token":"body"})");
    reply = call("stale");
    EXPECT_EQ(reply.status, 200u);
    EXPECT_EQ(reply.body, R"({"redirect":"/login"})");
    EXPECT_EQ(http_call(sim.port(), "GET", "/api/system").body, R"({"redirect":"/login"})");

    sim.post("auth-answers", R"({"expired_token":"401"})");
    EXPECT_EQ(call("stale").status, 401u);
    EXPECT_EQ(call(token_of(sim.port())).status, 204u);
}

TEST_F(SimHttpControlSecurity, TheWrongCredentialsAnswerIsSwitchable) {
    const auto wrong = [&] {
        return http_call(sim.port(), "POST", "/authenticate",
                         R"({"username":"api","password":"wrong"})");
    };
    EXPECT_EQ(wrong().status, 302u);
    sim.post("auth-answers", R"({"wrong_credentials":"401"})");
    EXPECT_EQ(wrong().status, 401u);
    sim.post("auth-answers", R"({"wrong_credentials":"403"})");
    EXPECT_EQ(wrong().status, 403u);
    sim.post("auth-answers", R"({"wrong_credentials":"no-token"})");
    const auto no_token = wrong();
    EXPECT_EQ(no_token.status, 200u);
    const auto body = parse(no_token.body);
    ASSERT_TRUE(body.IsObject());
    EXPECT_FALSE(body.HasMember("token"));
    EXPECT_EQ(sim.counter("auth_failures"), 4u);
    EXPECT_FALSE(token_of(sim.port()).empty()); // right credentials still work
}

TEST(SimHttpControlOptions, TheCommandLineSetsTheAnswers) {
    auto o = secured();
    o.expired_token = expired_token_answer::body;
    o.wrong_credentials = wrong_credentials_answer::unauthorized;
    running_sim sim{o};
    EXPECT_EQ(http_call(sim.port(), "PUT", "/api/beacon", R"({"enable":true})").body,
              R"({"redirect":"/login"})");
    EXPECT_EQ(http_call(sim.port(), "POST", "/authenticate",
                        R"({"username":"api","password":"nope"})")
                  .status,
              401u);
}

} // namespace
} // namespace mg::sim::test
