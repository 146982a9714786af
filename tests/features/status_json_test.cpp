#include "gateway/features/status_json.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace mg::features {
namespace {

std::array<controller_sample, 2> two_controllers() {
    controller_sample lobby;
    lobby.name = "lobby";
    lobby.url = "wss://10.0.4.20:443/query";
    lobby.state = "live";
    lobby.up = true;
    lobby.since = "2026-12-05T08:00:00Z";
    lobby.messages_in = 120;
    lobby.messages_rejected = 2;
    lobby.reconnects = 1;
    lobby.auth_renewals = 3;
    lobby.commands = {5, 1, 0, 2, 0};
    lobby.last_message_age = 0.5;
    lobby.serial = "030208";
    lobby.firmware = "2.15.0";
    lobby.project = "Say \"hi\"\\";
    controller_sample ballroom;
    ballroom.name = "ballroom";
    ballroom.url = "ws://10.0.4.21:80/query";
    ballroom.state = "backoff";
    ballroom.messages_in = 30;
    ballroom.last_error = "connect: Connection refused";
    return {lobby, ballroom};
}

metrics_snapshot snapshot_of(const std::array<controller_sample, 2>& controllers) {
    return {"1.2.3", "hotel", controllers, {true, 900, 4, 1, 17}};
}

TEST(StatusJson, HasEveryFieldOfTheContract) {
    const auto controllers = two_controllers();
    std::deque<status_board::event> events{{"2026-12-05T08:00:01Z", "lobby", "connected"},
                                           {"2026-12-05T08:00:02Z", "", "site file reloaded"}};
    std::string out;
    write_status_json(out, {snapshot_of(controllers),
                            "2026-12-05T07:59:59Z",
                            {true, "mqtt://127.0.0.1:1883", "2026-12-05T08:00:00Z"},
                            events});
    rapidjson::Document d;
    ASSERT_FALSE(d.Parse(out.c_str()).HasParseError()) << out;
    EXPECT_STREQ(d["site"].GetString(), "hotel");
    EXPECT_STREQ(d["version"].GetString(), "1.2.3");
    EXPECT_STREQ(d["started"].GetString(), "2026-12-05T07:59:59Z");
    EXPECT_TRUE(d["broker"]["connected"].GetBool());
    EXPECT_STREQ(d["broker"]["url"].GetString(), "mqtt://127.0.0.1:1883");
    EXPECT_STREQ(d["broker"]["since"].GetString(), "2026-12-05T08:00:00Z");

    ASSERT_EQ(d["controllers"].Size(), 2u);
    const auto& lobby = d["controllers"][0];
    EXPECT_STREQ(lobby["name"].GetString(), "lobby");
    EXPECT_STREQ(lobby["url"].GetString(), "wss://10.0.4.20:443/query");
    EXPECT_STREQ(lobby["state"].GetString(), "live");
    EXPECT_STREQ(lobby["since"].GetString(), "2026-12-05T08:00:00Z");
    EXPECT_DOUBLE_EQ(lobby["last_message_age_s"].GetDouble(), 0.5);
    EXPECT_STREQ(lobby["serial"].GetString(), "030208");
    EXPECT_STREQ(lobby["firmware"].GetString(), "2.15.0");
    EXPECT_STREQ(lobby["project"].GetString(), "Say \"hi\"\\");
    EXPECT_EQ(lobby["reconnects"].GetUint64(), 1u);
    EXPECT_EQ(lobby["auth_renewals"].GetUint64(), 3u);
    EXPECT_EQ(lobby["commands"]["ok"].GetUint64(), 5u);
    EXPECT_EQ(lobby["commands"]["rejected"].GetUint64(), 1u);
    EXPECT_EQ(lobby["commands"]["expired"].GetUint64(), 2u);
    EXPECT_EQ(lobby["commands"]["no_budget"].GetUint64(), 0u);
    EXPECT_TRUE(lobby["last_error"].IsNull());

    // What is not known yet is null.
    const auto& ballroom = d["controllers"][1];
    EXPECT_TRUE(ballroom["since"].IsNull());
    EXPECT_TRUE(ballroom["last_message_age_s"].IsNull());
    EXPECT_TRUE(ballroom["serial"].IsNull());
    EXPECT_TRUE(ballroom["project"].IsNull());
    EXPECT_STREQ(ballroom["last_error"].GetString(), "connect: Connection refused");

    // Newest first; the gateway's own events name no controller.
    ASSERT_EQ(d["events"].Size(), 2u);
    EXPECT_STREQ(d["events"][0]["text"].GetString(), "site file reloaded");
    EXPECT_TRUE(d["events"][0]["controller"].IsNull());
    EXPECT_STREQ(d["events"][1]["controller"].GetString(), "lobby");
    EXPECT_STREQ(d["events"][1]["t"].GetString(), "2026-12-05T08:00:01Z");
}

TEST(StatusJson, StatsCountTheSameAsMetrics) {
    const auto controllers = two_controllers();
    rapidjson::Document d;
    d.Parse(stats_json(snapshot_of(controllers)).c_str());
    ASSERT_TRUE(d.IsObject());
    EXPECT_EQ(d["messages_in"].GetUint64(), 150u);
    EXPECT_EQ(d["rejected"].GetUint64(), 2u);
    EXPECT_EQ(d["reconnects"].GetUint64(), 1u);
    EXPECT_EQ(d["auth_renewals"].GetUint64(), 3u);
    EXPECT_EQ(d["messages_out"].GetUint64(), 900u);
    EXPECT_EQ(d["dropped"].GetUint64(), 4u);
    EXPECT_EQ(d["mqtt_reconnects"].GetUint64(), 1u);
    EXPECT_EQ(d["buffered"].GetUint64(), 17u);
    EXPECT_TRUE(d["controllers"]["lobby"]["live"].GetBool());
    EXPECT_EQ(d["controllers"]["lobby"]["auth_renewals"].GetUint64(), 3u);
    EXPECT_FALSE(d["controllers"]["ballroom"]["live"].GetBool());
    EXPECT_EQ(d["controllers"]["ballroom"]["messages_in"].GetUint64(), 30u);
}

} // namespace
} // namespace mg::features
