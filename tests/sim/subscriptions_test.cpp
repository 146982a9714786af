#include "tests/sim/running_sim.hpp"

#include <gtest/gtest.h>

namespace mg::sim::test {
namespace {

class SimSubscriptions : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(client.connect(sim.port())); }

    void subscribe(std::string_view channel) {
        ASSERT_TRUE(client.send_text(R"({"subscribe":")" + std::string(channel) + R"("})"));
        // Subscriptions are not acknowledged; wait until the simulator has recorded it.
        ++subscribed;
        ASSERT_TRUE(eventually([&] {
            const auto s = sim.stats();
            const auto& subs = s["subscriptions"];
            return subs.Size() == 1 && subs[0]["channels"].Size() == subscribed;
        }));
    }

    running_sim sim;
    ws_test_client client;
    rapidjson::SizeType subscribed = 0;
};

TEST_F(SimSubscriptions, TimelineChangeReachesTheSubscriber) {
    subscribe("timeline");
    const auto sent =
        sim.post("timeline", R"({"num":2,"state":"running","position":1000,"onstage":true})");
    EXPECT_EQ(parse(sent)["sent"].GetUint64(), 1u);
    const auto frame = client.read();
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->data, R"({"broadcast":"timeline","data":{"num":2,"state":"running",)"
                           R"("onstage":true,"position":1000}})");
}

TEST_F(SimSubscriptions, SceneAndGroupChangesUseTheirDocumentedShapes) {
    subscribe("scene");
    subscribe("group");
    sim.post("scene", R"({"num":1,"state":"started","onstage":true})");
    sim.post("group", R"({"num":1,"level":67})");
    const auto scene = client.read();
    const auto group = client.read();
    ASSERT_TRUE(scene && group);
    EXPECT_EQ(scene->data,
              R"({"broadcast":"scene","data":{"num":1,"onstage":true,"state":"started"}})");
    EXPECT_EQ(group->data, R"({"broadcast":"group","data":{"level":67,"name":"Group 1","num":1}})");
}

TEST_F(SimSubscriptions, ChangesUpdateLaterRequestReplies) {
    sim.post("timeline", R"({"num":3,"state":"paused","position":2500})");
    ASSERT_TRUE(client.send_text(R"({"request":"timeline","id":1,"num":"3"})"));
    const auto reply = client.read();
    ASSERT_TRUE(reply);
    const auto doc = parse(reply->data);
    EXPECT_STREQ(doc["data"]["timelines"][0]["state"].GetString(), "paused");
    EXPECT_EQ(doc["data"]["timelines"][0]["position"].GetInt(), 2500);
}

TEST_F(SimSubscriptions, OtherChannelsGetNothing) {
    subscribe("scene");
    const auto sent = sim.post("timeline", R"({"num":1,"state":"running"})");
    EXPECT_EQ(parse(sent)["sent"].GetUint64(), 0u);
    EXPECT_FALSE(client.read(100ms));
}

TEST_F(SimSubscriptions, HyphenatedChannelNameIsAccepted) {
    subscribe("remote-device");
    const auto s = sim.stats();
    EXPECT_STREQ(s["subscriptions"][0]["channels"][0].GetString(), "remote_device");
}

TEST_F(SimSubscriptions, BroadcastSendsFramesVerbatimToEveryClient) {
    sim.post("broadcast", R"({"frame":"{\"data\":{\"remote_devices\":[]}}"})");
    sim.post("broadcast", R"({"binary_hex":"00ff10"})");
    const auto text = client.read();
    const auto binary = client.read();
    ASSERT_TRUE(text && binary);
    EXPECT_EQ(text->data, R"({"data":{"remote_devices":[]}})");
    EXPECT_TRUE(binary->binary);
    EXPECT_EQ(binary->data, std::string("\x00\xff\x10", 3));
}

TEST_F(SimSubscriptions, TickPublishesOneChangeToSubscribers) {
    for (const char* channel : {"timeline", "scene", "group", "content_target", "remote_device",
                                "io_module", "beacon", "lua", "log"})
        ASSERT_TRUE(client.send_text(R"({"subscribe":")" + std::string(channel) + R"("})"));
    ASSERT_TRUE(
        eventually([&] { return sim.stats()["subscriptions"][0]["channels"].Size() == 9; }));
    for (int i = 0; i < 20; ++i) {
        EXPECT_EQ(parse(sim.post("tick"))["sent"].GetUint64(), 1u);
        const auto frame = client.read();
        ASSERT_TRUE(frame);
        const auto doc = parse(frame->data);
        ASSERT_TRUE(doc.IsObject()) << frame->data;
        EXPECT_TRUE(doc.HasMember("data")) << frame->data;
    }
}

TEST_F(SimSubscriptions, BadControlCallsAreRejected) {
    EXPECT_EQ(sim.control("POST", "/controllers/0/timeline", R"({"state":"running"})").status,
              400u);
    EXPECT_EQ(sim.control("POST", "/controllers/0/timeline", R"({"num":9})").status, 404u);
    EXPECT_EQ(sim.control("POST", "/controllers/0/scene", R"({"num":1,"state":"running"})").status,
              400u);
    EXPECT_EQ(sim.control("POST", "/controllers/0/group", R"({"num":1,"level":101})").status, 400u);
    EXPECT_EQ(sim.control("POST", "/controllers/5/tick").status, 404u);
    EXPECT_EQ(sim.control("POST", "/controllers/0/timeline", "not json").status, 400u);
    EXPECT_EQ(sim.control("GET", "/nowhere").status, 404u);
}

} // namespace
} // namespace mg::sim::test
