#include "gateway/protocol/catalogue.hpp"
#include "tests/sim/running_sim.hpp"

#include <gtest/gtest.h>

namespace mg::sim::test {
namespace {

class SimRequests : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(client.connect(sim.port())); }

    rapidjson::Document ask(std::string_view message) {
        EXPECT_TRUE(client.send_text(message));
        const auto reply = client.read();
        EXPECT_TRUE(reply.has_value()) << "no reply to " << message;
        return parse(reply ? reply->data : "");
    }

    running_sim sim;
    ws_test_client client;
};

std::vector<int> nums(const rapidjson::Value& list) {
    std::vector<int> out;
    for (const auto& item : list.GetArray())
        out.push_back(item.HasMember("num") ? item["num"].GetInt() : 0);
    return out;
}

TEST_F(SimRequests, SystemIsAnsweredWithTheRequestId) {
    const auto reply = ask(R"({"request":"system","id":7})");
    ASSERT_TRUE(reply.IsObject());
    EXPECT_STREQ(reply["request"].GetString(), "system");
    EXPECT_EQ(reply["id"].GetUint64(), 7u);
    EXPECT_STREQ(reply["data"]["hardware_type"].GetString(), "MSC");
    EXPECT_TRUE(reply["data"]["channel_capacity"].IsInt());
}

TEST_F(SimRequests, EveryCatalogueRequestIsAnswered) {
    std::uint64_t id = 100;
    for (const auto name : protocol::requests) {
        std::string message =
            R"({"request":")" + std::string(name) + R"(","id":)" + std::to_string(++id);
        if (name == "output")
            message += R"(,"universe":"dmx:1")";
        const auto reply = ask(message + "}");
        ASSERT_TRUE(reply.IsObject()) << name;
        EXPECT_EQ(reply["request"].GetString(), std::string(name));
        EXPECT_EQ(reply["id"].GetUint64(), id) << name;
        EXPECT_TRUE(reply.HasMember("data")) << name;
    }
}

TEST_F(SimRequests, NumFilterSelectsNumbersAndRanges) {
    const auto reply = ask(R"({"request":"timeline","id":1,"num":"1,3-4"})");
    EXPECT_EQ(nums(reply["data"]["timelines"]), (std::vector<int>{1, 3, 4}));
    const auto scenes = ask(R"({"request":"scene","id":2,"num":2})");
    EXPECT_EQ(nums(scenes["data"]["scenes"]), (std::vector<int>{2}));
}

TEST_F(SimRequests, TimelinesCarryTheDocumentedAttributes) {
    const auto reply = ask(R"({"request":"timeline","id":1,"num":"1"})");
    const auto& t = reply["data"]["timelines"][0];
    for (const char* key :
         {"num", "name", "group", "group_num", "length", "source_bus", "timecode_format",
          "audio_band", "audio_channel", "audio_peak", "time_offset", "state", "onstage",
          "position", "priority", "custom_properties"})
        EXPECT_TRUE(t.HasMember(key)) << key;
    EXPECT_STREQ(t["name"].GetString(), "Timeline 1");
    EXPECT_STREQ(t["state"].GetString(), "none");
}

TEST_F(SimRequests, AllFixturesGroupHasNoNum) {
    const auto reply = ask(R"({"request":"group","id":1})");
    const auto& groups = reply["data"]["groups"];
    ASSERT_EQ(groups.Size(), 4u);
    EXPECT_STREQ(groups[0]["name"].GetString(), "All Fixtures");
    EXPECT_FALSE(groups[0].HasMember("num"));
    EXPECT_EQ(groups[1]["num"].GetInt(), 1);
    EXPECT_EQ(groups[1]["level"].GetInt(), 100);
}

TEST_F(SimRequests, OutputEchoesGroupLevelsOnDmx1) {
    sim.post("group", R"({"num":1,"level":40})");
    const auto reply = ask(R"({"request":"output","id":1,"universe":"dmx:1"})");
    const auto& channels = reply["data"]["channels"];
    ASSERT_EQ(channels.Size(), 512u);
    EXPECT_STREQ(channels[0].GetString(), "102"); // 40 % of 255
    EXPECT_STREQ(channels[511].GetString(), " ");
    EXPECT_FALSE(reply["data"]["disabled"].GetBool());
}

TEST_F(SimRequests, LuaAnswersTheNamedVariables) {
    const auto reply = ask(R"({"request":"lua","id":1,"variables":"slider_level,missing"})");
    EXPECT_EQ(reply["data"]["slider_level"].GetInt(), 56);
    EXPECT_TRUE(reply["data"]["missing"].IsNull());
}

TEST_F(SimRequests, UnknownRequestGetsNoReply) {
    ASSERT_TRUE(client.send_text(R"({"request":"no_such_thing","id":1})"));
    ASSERT_TRUE(client.send_text(R"({"request":"output","id":2})")); // universe is required
    const auto reply = ask(R"({"request":"project","id":3})");
    EXPECT_EQ(reply["id"].GetUint64(), 3u);
    EXPECT_EQ(sim.counter("messages_in"), 3u);
    EXPECT_EQ(sim.stats()["requests_by_name"]["no_such_thing"].GetUint64(), 1u);
}

TEST_F(SimRequests, SetReplacesTheAnswerUntilRestored) {
    sim.post("set", R"({"request":"system","data":{"hardware_type":"Atlas Pro"}})");
    auto reply = ask(R"({"request":"system","id":1})");
    EXPECT_STREQ(reply["data"]["hardware_type"].GetString(), "Atlas Pro");
    EXPECT_FALSE(reply["data"].HasMember("serial_number"));
    sim.post("set", R"({"request":"system","data":null})");
    reply = ask(R"({"request":"system","id":2})");
    EXPECT_STREQ(reply["data"]["hardware_type"].GetString(), "MSC");
}

TEST_F(SimRequests, KeepAliveWithoutSecurityIsAnsweredWithEmptyObject) {
    ASSERT_TRUE(client.send_text("{}"));
    const auto reply = client.read();
    ASSERT_TRUE(reply);
    EXPECT_FALSE(reply->binary);
    EXPECT_EQ(reply->data, "{}");
    EXPECT_EQ(sim.counter("keepalives_in"), 1u);
}

TEST_F(SimRequests, InvalidJsonIsCountedAndIgnored) {
    ASSERT_TRUE(client.send_text("not json"));
    ASSERT_TRUE(client.send_text("[1,2]"));
    const auto reply = ask(R"({"request":"project","id":9})");
    EXPECT_EQ(reply["id"].GetUint64(), 9u);
    EXPECT_EQ(sim.counter("invalid_in"), 2u);
}

TEST(SimHttp, OnlyQueryUpgradesAndOtherPathsAre404) {
    running_sim sim;
    ws_test_client wrong_path;
    EXPECT_FALSE(wrong_path.connect(sim.port(), "/other"));
    EXPECT_EQ(http_call(sim.port(), "GET", "/nothing").status, 404u);
    const auto system = http_call(sim.port(), "GET", "/api/system");
    EXPECT_EQ(system.status, 200u);
    EXPECT_STREQ(parse(system.body)["hardware_type"].GetString(), "MSC");
    const auto timeline = http_call(sim.port(), "GET", "/api/timeline?num=2");
    EXPECT_EQ(parse(timeline.body)["timelines"][0]["num"].GetInt(), 2);
}

} // namespace
} // namespace mg::sim::test
