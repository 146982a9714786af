// The status page on metrics.listen (README "Status page", CONTRACT §9): /status.json and / against
// a real broker and simulator, read-only, and never a password or token on either.

#include "tests/support/http_get.hpp"
#include "tests/support/mosquitto.hpp"
#include "tests/support/mqtt_recorder.hpp"
#include "tests/support/sim_process.hpp"

#include <functional>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <thread>

namespace mg::test {
namespace {

using namespace std::chrono_literals;

const std::string P = "mosaic/hotel";
const std::string mqtt_password = "mqtt-Pa55word-7781";
const std::string lobby_password = "lobby-Pa55word-3321";
const std::string wrong_password = "ballroom-Wr0ng-9932";

// Polls /status.json until `accept` holds for it or the deadline passes; the last document.
rapidjson::Document wait_status(std::uint16_t port,
                                const std::function<bool(const rapidjson::Document&)>& accept,
                                std::string* body = nullptr,
                                std::chrono::milliseconds timeout = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    rapidjson::Document d;
    while (std::chrono::steady_clock::now() < deadline) {
        const auto reply = http_get(port, "/status.json");
        if (reply.status == 200 && !d.Parse(reply.body.c_str()).HasParseError() && d.IsObject()) {
            if (body)
                *body = reply.body;
            if (accept(d))
                return d;
        }
        std::this_thread::sleep_for(100ms);
    }
    return d;
}

const rapidjson::Value* controller(const rapidjson::Document& d, std::string_view name) {
    if (!d.IsObject() || !d.HasMember("controllers"))
        return nullptr;
    for (const auto& c : d["controllers"].GetArray()) {
        if (c["name"].GetString() == name)
            return &c;
    }
    return nullptr;
}

bool has_event(const rapidjson::Document& d, std::string_view who, std::string_view text) {
    if (!d.IsObject() || !d.HasMember("events"))
        return false;
    for (const auto& e : d["events"].GetArray()) {
        const bool named = e["controller"].IsString() && e["controller"].GetString() == who;
        if (named && std::string_view(e["text"].GetString()).find(text) != std::string_view::npos)
            return true;
    }
    return false;
}

TEST(StatusPage, ShowsControllersBrokerAndEventsWithoutSecrets) {
    mosquitto broker;
    broker.start();
    // Both controllers have security on; the ballroom's password in the site file is wrong.
    sim_process sim({"--controllers", "2", "--user", "gateway:" + lobby_password});
    const auto port = free_tcp_port();
    gateway_process gateway("site: hotel\n"
                            "mqtt: { url: '" +
                            broker.url() + "', username: gw, password: '" + mqtt_password +
                            "' }\n"
                            "controllers:\n"
                            "  - { name: lobby, url: '" +
                            sim.url(0) + "', username: gateway, password: '" + lobby_password +
                            "', keepalive: 1s }\n"
                            "  - { name: ballroom, url: '" +
                            sim.url(1) + "', username: gateway, password: '" + wrong_password +
                            "', keepalive: 1s }\n"
                            "metrics: { listen: 127.0.0.1:" +
                            std::to_string(port) + " }\n");

    std::string json;
    const auto d = wait_status(
        port,
        [](const rapidjson::Document& s) {
            const auto* lobby = controller(s, "lobby");
            const auto* ballroom = controller(s, "ballroom");
            return lobby && ballroom && std::string_view((*lobby)["state"].GetString()) == "live" &&
                   (*lobby)["serial"].IsString() && (*lobby)["project"].IsString() &&
                   std::string_view((*ballroom)["state"].GetString()) == "auth_failed" &&
                   s["broker"]["connected"].GetBool() && has_event(s, "lobby", "connected") &&
                   has_event(s, "ballroom", "authentication failed");
        },
        &json);
    ASSERT_TRUE(d.IsObject()) << json << gateway.log();
    const auto* lobby = controller(d, "lobby");
    ASSERT_TRUE(lobby) << json;
    ASSERT_STREQ((*lobby)["state"].GetString(), "live") << json << gateway.log();
    EXPECT_STREQ(d["site"].GetString(), "hotel");
    EXPECT_STREQ(d["version"].GetString(), MG_VERSION);
    EXPECT_TRUE(d["started"].IsString());
    EXPECT_EQ(d["broker"]["url"].GetString(), broker.url());
    EXPECT_TRUE(d["broker"]["since"].IsString());
    EXPECT_EQ((*lobby)["url"].GetString(), sim.url(0));
    EXPECT_TRUE((*lobby)["since"].IsString());
    EXPECT_TRUE((*lobby)["last_message_age_s"].IsNumber());
    EXPECT_TRUE((*lobby)["firmware"].IsString());
    EXPECT_GE((*lobby)["auth_renewals"].GetUint64(), 1u);
    EXPECT_TRUE((*lobby)["commands"].IsObject());
    EXPECT_EQ((*lobby)["commands"]["ok"].GetUint64(), 0u);
    const auto* ballroom = controller(d, "ballroom");
    ASSERT_TRUE(ballroom);
    EXPECT_STREQ((*ballroom)["state"].GetString(), "auth_failed") << json;
    EXPECT_TRUE((*ballroom)["last_error"].IsString());
    EXPECT_TRUE(has_event(d, "ballroom", "authentication failed")) << json;
    ASSERT_TRUE(d["events"].IsArray());
    EXPECT_LE(d["events"].Size(), 100u);

    // A command shows in the counters and as an event with its outcome.
    mqtt_recorder mqtt(broker.paho_uri());
    mqtt.publish(P + "/lobby/beacon/set", "toggle");
    const auto after = wait_status(port, [](const rapidjson::Document& s) {
        const auto* c = controller(s, "lobby");
        return c && (*c)["commands"]["ok"].GetUint64() == 1 && has_event(s, "lobby", "command ok");
    });
    EXPECT_TRUE(has_event(after, "lobby", "command ok")) << gateway.log();

    // The page and the JSON carry no secret: no password, no token.
    const auto page = http_get(port, "/");
    ASSERT_EQ(page.status, 200);
    EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
    const auto status = http_get(port, "/status.json");
    ASSERT_EQ(status.status, 200);
    EXPECT_EQ(status.content_type, "application/json");
    for (const auto* body : {&page.body, &status.body}) {
        for (const auto& secret : {mqtt_password, lobby_password, wrong_password}) {
            EXPECT_EQ(body->find(secret), std::string::npos) << secret << " in " << *body;
        }
        EXPECT_EQ(body->find("\"token\""), std::string::npos) << *body;
        EXPECT_EQ(body->find("Bearer"), std::string::npos) << *body;
    }
    EXPECT_EQ(gateway.stop(), 0);
}

TEST(StatusPage, IsOneSelfContainedReadOnlyPage) {
    mosquitto broker;
    broker.start();
    sim_process sim;
    const auto port = free_tcp_port();
    gateway_process gateway("site: hotel\n"
                            "mqtt: { url: '" +
                            broker.url() +
                            "' }\n"
                            "controllers:\n"
                            "  - { name: lobby, url: '" +
                            sim.url() +
                            "' }\n"
                            "metrics: { listen: 127.0.0.1:" +
                            std::to_string(port) + " }\n");
    const auto page = wait_reply(
        port, "/", [](const http_reply& r) { return r.status == 200; }, 10s);
    ASSERT_EQ(page.status, 200) << gateway.log();
    // Readable on a phone, refreshing itself, and fetching nothing from anywhere else.
    EXPECT_NE(page.body.find("<meta name=\"viewport\""), std::string::npos);
    EXPECT_NE(page.body.find("fetch(\"status.json\""), std::string::npos);
    EXPECT_NE(page.body.find("setTimeout(refresh"), std::string::npos);
    for (const auto* outside : {"http://", "https://", "src=", "<link", "@import", "url("})
        EXPECT_EQ(page.body.find(outside), std::string::npos) << outside;

    for (const auto* method : {"POST", "PUT", "DELETE", "PATCH"}) {
        EXPECT_EQ(http_get(port, "/", 5s, method).status, 405) << method;
        EXPECT_EQ(http_get(port, "/status.json", 5s, method).status, 405) << method;
    }
    EXPECT_EQ(http_get(port, "/status.html").status, 404);
    EXPECT_EQ(http_get(port, "/status.json?x=1").status, 200);
    EXPECT_EQ(gateway.stop(), 0);
}

} // namespace
} // namespace mg::test
