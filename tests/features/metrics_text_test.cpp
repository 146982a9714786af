#include "gateway/features/metrics_text.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace mg::features {
namespace {

std::array<controller_sample, 2> two_controllers() {
    controller_sample lobby;
    lobby.name = "lobby";
    lobby.state = "live";
    lobby.up = true;
    lobby.messages_in = 1234;
    lobby.reconnects = 2;
    lobby.auth_renewals = 3;
    lobby.commands = {5, 1, 0, 2, 0};
    lobby.last_message_age = 0.25;
    controller_sample ballroom;
    ballroom.name = "ball-room_2";
    ballroom.state = "backoff";
    return {lobby, ballroom};
}

metrics_snapshot snapshot_of(const std::array<controller_sample, 2>& controllers, bool broker) {
    return {"1.2.3", "hotel-east", controllers, {broker, 900, 4, 1, 17}};
}

TEST(MetricsText, WritesEveryFamilyWithHelpTypeAndControllerLabel) {
    const auto controllers = two_controllers();
    std::string out;
    write_metrics(out, snapshot_of(controllers, true));
    for (
        const auto* line : {
            "# HELP mosaic_gateway_build_info ",
            "# TYPE mosaic_gateway_build_info gauge\n",
            "mosaic_gateway_build_info{version=\"1.2.3\",site=\"hotel-east\"} 1\n",
            "# TYPE mosaic_gateway_controller_up gauge\n",
            "mosaic_gateway_controller_up{controller=\"lobby\"} 1\n",
            "mosaic_gateway_controller_up{controller=\"ball-room_2\"} 0\n",
            "# TYPE mosaic_gateway_controller_messages_received_total counter\n",
            "mosaic_gateway_controller_messages_received_total{controller=\"lobby\"} 1234\n",
            "mosaic_gateway_controller_reconnects_total{controller=\"lobby\"} 2\n",
            "mosaic_gateway_controller_messages_rejected_total{controller=\"lobby\"} 0\n",
            "# TYPE mosaic_gateway_controller_state gauge\n",
            "mosaic_gateway_controller_state{controller=\"lobby\",state=\"live\"} 1\n",
            "mosaic_gateway_controller_state{controller=\"lobby\",state=\"backoff\"} 0\n",
            "mosaic_gateway_controller_state{controller=\"ball-room_2\",state=\"backoff\"} 1\n",
            "mosaic_gateway_controller_auth_renewals_total{controller=\"lobby\"} 3\n",
            "mosaic_gateway_controller_commands_total{controller=\"lobby\",result=\"ok\"} 5\n",
            "mosaic_gateway_controller_commands_total{controller=\"lobby\",result=\"rejected\"} "
            "1\n",
            "mosaic_gateway_controller_commands_total{controller=\"lobby\",result=\"expired\"} 2\n",
            "mosaic_gateway_controller_commands_total{controller=\"ball-room_2\",result="
            "\"no_budget\"} 0\n",
            "mosaic_gateway_controller_last_message_age_seconds{controller=\"lobby\"} 0.25\n",
            "mosaic_gateway_controller_last_message_age_seconds{controller=\"ball-room_2\"} +Inf\n",
            "mosaic_gateway_mqtt_connected 1\n",
            "# TYPE mosaic_gateway_mqtt_messages_published_total counter\n",
            "mosaic_gateway_mqtt_messages_published_total 900\n",
            "mosaic_gateway_mqtt_messages_buffered 17\n",
            "mosaic_gateway_mqtt_messages_dropped_total 4\n",
            "mosaic_gateway_mqtt_reconnects_total 1\n",
        })
        EXPECT_NE(out.find(line), std::string::npos) << line << "\n" << out;
    // Each family announced once, before its samples.
    EXPECT_EQ(out.find("# TYPE mosaic_gateway_controller_up"),
              out.rfind("# TYPE mosaic_gateway_controller_up"));
    EXPECT_LT(out.find("# TYPE mosaic_gateway_controller_up"),
              out.find("mosaic_gateway_controller_up{"));
    EXPECT_EQ(out.back(), '\n');
}

TEST(MetricsText, AppendsToTheBufferWithoutGrowingItTwice) {
    const auto controllers = two_controllers();
    std::string out;
    write_metrics(out, snapshot_of(controllers, true));
    const auto size = out.size();
    out.clear();
    const auto capacity = out.capacity();
    write_metrics(out, snapshot_of(controllers, true));
    EXPECT_EQ(out.size(), size);
    EXPECT_EQ(out.capacity(), capacity); // a second scrape reuses the buffer
}

TEST(MetricsText, HealthyOnlyWithBrokerAndEveryControllerLive) {
    auto controllers = two_controllers();
    std::string out;
    EXPECT_FALSE(write_health(out, snapshot_of(controllers, true)));
    rapidjson::Document doc;
    ASSERT_FALSE(doc.Parse(out.c_str()).HasParseError()) << out;
    EXPECT_FALSE(doc["healthy"].GetBool());
    EXPECT_STREQ(doc["broker"].GetString(), "connected");
    EXPECT_EQ(doc["controllers_live"].GetUint(), 1u);
    EXPECT_EQ(doc["controllers_total"].GetUint(), 2u);
    EXPECT_STREQ(doc["not_live"]["ball-room_2"].GetString(), "backoff");
    EXPECT_FALSE(doc["not_live"].HasMember("lobby"));

    controllers[1].up = true;
    controllers[1].state = "live";
    out.clear();
    EXPECT_TRUE(write_health(out, snapshot_of(controllers, true)));
    EXPECT_EQ(out, R"({"healthy":true,"broker":"connected","controllers_live":2,)"
                   R"("controllers_total":2,"not_live":{}})"
                   "\n");

    out.clear();
    EXPECT_FALSE(write_health(out, snapshot_of(controllers, false)));
    ASSERT_FALSE(doc.Parse(out.c_str()).HasParseError()) << out;
    EXPECT_STREQ(doc["broker"].GetString(), "disconnected");
}

} // namespace
} // namespace mg::features
