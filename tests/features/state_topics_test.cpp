#include "gateway/features/state_topics.hpp"

#include "tests/support/link_driver.hpp"
#include "tests/support/recording_sink.hpp"

#include <gtest/gtest.h>

namespace mg::features {
namespace {

const std::string C = "mosaic/hotel/lobby";

struct channel_case {
    const char* label;
    const char* frame;
    std::vector<std::pair<std::string, std::string>> states; // topic suffix, payload
};

class ChannelMapping : public ::testing::TestWithParam<channel_case> {};

TEST_P(ChannelMapping, PublishesDocumentedExampleAsRetainedState) {
    test::recording_sink sink;
    topic_scheme topics("mosaic", "hotel");
    state_topics feature(sink, topics);
    test::link_driver driver({&feature});
    driver.text(GetParam().frame);
    for (const auto& [suffix, payload] : GetParam().states) {
        ASSERT_TRUE(sink.states.count(C + "/" + suffix)) << suffix;
        EXPECT_EQ(sink.states.at(C + "/" + suffix), payload) << suffix;
    }
    EXPECT_EQ(feature.rejected(), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Channels, ChannelMapping,
    ::testing::Values(
        channel_case{"timeline",
                     R"({"broadcast":"timeline","data":{"num":1,"state":"running","onstage":true,"position":5000}})",
                     {{"timeline/1", R"({"num":1,"state":"running","onstage":true,"position":5000})"}}},
        channel_case{"scene", R"({"broadcast":"scene","data":{"num":1,"onstage":true,"state":"started"}})",
                     {{"scene/1", R"({"num":1,"onstage":true,"state":"started"})"}}},
        channel_case{"group", R"({"broadcast":"group","data":{"level":67,"name":"Group 1","num":1}})",
                     {{"group/1", R"({"level":67,"name":"Group 1","num":1})"}}},
        channel_case{"content_target_dressed_as_reply",
                     R"({"request":"content_target","id":5,"data":{"content_targets":[{"name":"Primary","level":100},{"name":"Secondary","level":100},{"name":"Target 3","level":100}]}})",
                     {{"content_target/Primary", R"({"name":"Primary","level":100})"},
                      {"content_target/Secondary", R"({"name":"Secondary","level":100})"},
                      {"content_target/Target 3", R"({"name":"Target 3","level":100})"}}},
        channel_case{"remote_device_bare_data",
                     R"({"data":{"remote_devices":[{"name":"EDN 20 1","name_with_type":"EDN 20 1","num":1,"online":false,"serial":[],"type":"EDN 20"}]}})",
                     {{"remote_device/1",
                       R"({"name":"EDN 20 1","name_with_type":"EDN 20 1","num":1,"online":false,"serial":[],"type":"EDN 20"})"}}},
        channel_case{"remote_device_hyphenated_single_object",
                     R"({"broadcast":"remote-device","data":{"num":2,"type":"RIO 44","online":true,"serial":"001"}})",
                     {{"remote_device/2", R"({"num":2,"type":"RIO 44","online":true,"serial":"001"})"}}},
        channel_case{"io_module",
                     R"({"data":{"modules":[{"id":1,"name":"Wait"},{"id":2,"name":"Repeat"}],"instances":[{"id":1,"module_id":1,"name":"Wait Instance 1","status":[{"key":"currentWaits","label":"Current Waits"}]},{"id":2,"module_id":2,"name":"Repeat Module","status":[{"key":"currentCount","label":"Current Occurrence Count","value":"136"}]}]},"id":1,"request":"io_module"})",
                     {{"io_module/1",
                       R"({"id":1,"module_id":1,"name":"Wait Instance 1","status":[{"key":"currentWaits","label":"Current Waits"}],"module":"Wait"})"},
                      {"io_module/2",
                       R"({"id":2,"module_id":2,"name":"Repeat Module","status":[{"key":"currentCount","label":"Current Occurrence Count","value":"136"}],"module":"Repeat"})"}}},
        channel_case{"beacon", R"({"broadcast":"beacon","data":{"on":false}})",
                     {{"beacon", R"({"on":false})"}}},
        channel_case{"lua_number", R"({"broadcast":"lua","data":{"slider_level":56}})",
                     {{"lua/slider_level", "56"}}},
        channel_case{"lua_string_with_unsafe_key", R"({"broadcast":"lua","data":{"a/b+#":"56"}})",
                     {{"lua/a_b__", R"("56")"}}},
        channel_case{"content_target_name_sanitised",
                     R"({"broadcast":"content_target","data":{"content_targets":[{"name":"A/B","level":5}]}})",
                     {{"content_target/A_B", R"({"name":"A/B","level":5})"}}}),
    [](const auto& info) { return std::string(info.param.label); });

class StateTopics : public ::testing::Test {
protected:
    test::recording_sink sink;
    topic_scheme topics{"mosaic", "hotel"};
    state_topics feature{sink, topics};
};

TEST_F(StateTopics, MergesBroadcastOverAttributesLearntFromReplies) {
    test::link_driver driver({&feature}, {{"timeline", std::nullopt, "", ""}});
    driver.text(R"({"request":"timeline","id":1,"data":{"timelines":[{"num":1,"name":"Intro","length":60000,"state":"none","onstage":false,"position":0}]}})");
    driver.text(R"({"broadcast":"timeline","data":{"num":1,"state":"running","onstage":true,"position":5000}})");
    EXPECT_EQ(sink.states.at(C + "/timeline/1"),
              R"({"num":1,"name":"Intro","length":60000,"state":"running","onstage":true,"position":5000})");
    EXPECT_TRUE(sink.states.count(C + "/timeline")) << "the reply itself is state too";
}

TEST_F(StateTopics, AllFixturesGroupWithoutNumberIsGroupZero) {
    test::link_driver driver({&feature}, {{"group", std::nullopt, "", ""}});
    driver.text(R"({"request":"group","id":1,"data":{"groups":[{"name":"All Fixtures","level":100},{"num":1,"name":"Group 1","level":50}]}})");
    EXPECT_EQ(sink.states.at(C + "/group/0"), R"({"name":"All Fixtures","level":100})");
    EXPECT_EQ(sink.states.at(C + "/group/1"), R"({"num":1,"name":"Group 1","level":50})");
}

TEST_F(StateTopics, SceneStateOnTimelineChannelIsRejected) {
    test::link_driver driver({&feature});
    driver.text(R"({"broadcast":"timeline","data":{"num":1,"state":"started","onstage":true}})");
    EXPECT_FALSE(sink.states.count(C + "/timeline/1"));
    EXPECT_EQ(feature.rejected(), 1u);
}

TEST_F(StateTopics, UnchangedStateIsNotRepublished) {
    test::link_driver driver({&feature});
    for (int i = 0; i < 3; ++i)
        driver.text(R"({"broadcast":"group","data":{"level":67,"name":"Group 1","num":1}})");
    EXPECT_EQ(sink.state_publishes.at(C + "/group/1"), 1);
}

TEST_F(StateTopics, ListChannelsRepublishOnlyChangedObjects) {
    test::link_driver driver({&feature});
    driver.text(R"({"broadcast":"content_target","data":{"content_targets":[{"name":"Primary","level":100},{"name":"Secondary","level":100}]}})");
    driver.text(R"({"broadcast":"content_target","data":{"content_targets":[{"name":"Primary","level":40},{"name":"Secondary","level":100}]}})");
    EXPECT_EQ(sink.state_publishes.at(C + "/content_target/Primary"), 2);
    EXPECT_EQ(sink.state_publishes.at(C + "/content_target/Secondary"), 1);
}

TEST_F(StateTopics, LogBroadcastPublishesOneEventPerEntry) {
    test::link_driver driver({&feature});
    driver.text(R"({"broadcast":"log","data":{"log":"\u0007\u0015\u00045dc 68907857ACTION Start Timeline Timeline 2\n\u0007\u0016\u00045dc 68907857Web API: Enqueue trigger 2"}})");
    const auto entries = sink.events_on(C + "/log");
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].payload,
              R"({"utc":"2025-08-04T09:07:35Z","time":"2025-08-04T10:07:35+01:00","offset_min":60,"category":"Trigger","category_code":21,"level":"Normal","level_code":4,"text":"ACTION Start Timeline Timeline 2"})");
    EXPECT_TRUE(sink.states.empty() || !sink.states.count(C + "/log"));
}

TEST_F(StateTopics, LogReplyGoesToHistory) {
    test::link_driver driver({&feature}, {{"log", std::nullopt, "", ""}});
    driver.text(R"({"request":"log","id":1,"data":{"log":"\u0007\u0015\u00045dc 68907857ACTION Start Timeline Timeline 2\n"}})");
    const auto history = sink.events_on(C + "/log/history");
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0].payload.rfind(R"({"entries":[{"utc":"2025-08-04T09:07:35Z")", 0), 0u);
}

TEST_F(StateTopics, UnknownChannelIsPublishedRaw) {
    test::link_driver driver({&feature});
    driver.text(R"({"broadcast":"rdm_discovery","data":{"message_type":"finished","universe":"dmx:1"}})");
    const auto raw = sink.events_on(C + "/rdm_discovery");
    ASSERT_EQ(raw.size(), 1u);
    EXPECT_EQ(raw[0].payload, R"({"message_type":"finished","universe":"dmx:1"})");
}

TEST_F(StateTopics, PollReplyGoesToItsTopic) {
    test::link_driver driver({&feature},
                             {{"output", std::nullopt, R"({"universe":"dmx:1"})", "output/dmx-1"}});
    EXPECT_TRUE(driver.sent_containing(R"({"request":"output","id":1,"universe":"dmx:1"})"));
    driver.text(R"({"request":"output","id":1,"data":{"channels":["0"," ","+5"],"disabled":false}})");
    EXPECT_EQ(sink.states.at(C + "/output/dmx-1"), R"({"channels":["0"," ","+5"],"disabled":false})");
}

TEST_F(StateTopics, GarbageIsCountedAndChangesNothing) {
    test::link_driver driver({&feature});
    driver.text("\x01\x02 not json");
    driver.text(R"({"something":"else"})");
    driver.text(R"({"broadcast":"timeline","data":{"state":"running"}})");
    EXPECT_TRUE(sink.states.empty());
    EXPECT_EQ(feature.rejected(), 3u);
}

} // namespace
} // namespace mg::features
