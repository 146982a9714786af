// Objects gone from the controller's project lose their retained topics, but only a whole list
// may say an object is gone (issue: stale retained topics).

#include "gateway/features/state_topics.hpp"
#include "tests/support/link_driver.hpp"
#include "tests/support/recording_sink.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace mg::features {
namespace {

const std::string C = "mosaic/hotel/lobby";

std::string timelines(std::initializer_list<int> nums) {
    std::string list;
    for (const auto num : nums)
        list += (list.empty() ? "" : ",") + std::string(R"({"num":)") + std::to_string(num) +
                R"(,"name":"T","state":"none"})";
    return "{\"timelines\":[" + list + "]}";
}

class StaleObjects : public ::testing::Test {
protected:
    // Sends a request through the link and answers it, with the id the link gave it, as the
    // controller would.
    void answer(std::string_view request, std::string_view params, const std::string& data) {
        driver.request(request, params, 0);
        rapidjson::Document sent;
        sent.Parse(driver.sent.back().c_str());
        ASSERT_TRUE(sent.IsObject() && sent.HasMember("id"));
        driver.text(R"({"request":")" + std::string(request) + R"(","id":)" +
                    std::to_string(sent["id"].GetUint64()) + R"(,"data":)" + data + "}");
    }

    test::recording_sink sink;
    topic_scheme topics{"mosaic", "hotel"};
    state_topics feature{sink, topics};
    test::link_driver driver{{&feature}};
};

TEST_F(StaleObjects, WholeListReplyClearsObjectsItNoLongerHolds) {
    answer("timeline", "", timelines({1, 2, 3}));
    ASSERT_EQ(sink.states.at(C + "/timeline/3").empty(), false);
    answer("timeline", "", timelines({1, 2}));
    EXPECT_EQ(sink.states.at(C + "/timeline/3"), "");
    EXPECT_NE(sink.states.at(C + "/timeline/1"), "");
    EXPECT_NE(sink.states.at(C + "/timeline/2"), "");
}

TEST_F(StaleObjects, FilteredReplyNeverClears) {
    answer("timeline", "", timelines({1, 2, 3}));
    answer("timeline", R"({"num":"1"})", timelines({1}));
    EXPECT_NE(sink.states.at(C + "/timeline/2"), "");
    EXPECT_NE(sink.states.at(C + "/timeline/3"), "");
}

TEST_F(StaleObjects, ObjectsLearntFromBroadcastsAreClearedToo) {
    answer("timeline", "", timelines({1}));
    driver.text(R"({"broadcast":"timeline","data":{"num":9,"state":"running"}})");
    ASSERT_NE(sink.states.at(C + "/timeline/9"), "");
    answer("timeline", "", timelines({1}));
    EXPECT_EQ(sink.states.at(C + "/timeline/9"), "");
}

TEST_F(StaleObjects, AClearedObjectThatReturnsStartsAFreshMergedState) {
    answer("timeline", "", R"({"timelines":[{"num":1,"name":"Old","length":100}]})");
    answer("timeline", "", timelines({}));
    ASSERT_EQ(sink.states.at(C + "/timeline/1"), "");
    answer("timeline", "", R"({"timelines":[{"num":1,"name":"New"}]})");
    EXPECT_EQ(sink.states.at(C + "/timeline/1"), R"({"num":1,"name":"New"})")
        << "no attribute of the removed object survives";
}

TEST_F(StaleObjects, EachKindIsJudgedByItsOwnList) {
    answer("timeline", "", timelines({1}));
    answer("scene", "", R"({"scenes":[{"num":1,"state":"none"}]})");
    answer("scene", "", R"({"scenes":[]})");
    EXPECT_EQ(sink.states.at(C + "/scene/1"), "");
    EXPECT_NE(sink.states.at(C + "/timeline/1"), "");
}

TEST_F(StaleObjects, AllFixturesGroupStaysWhenTheListLeavesItOut) {
    answer("group", R"({"num":0})", R"({"groups":[{"name":"All Fixtures","level":100}]})");
    answer("group", "", R"({"groups":[{"num":1,"name":"Group 1","level":50}]})");
    answer("group", "", R"({"groups":[{"num":2,"name":"Group 2","level":50}]})");
    EXPECT_NE(sink.states.at(C + "/group/0"), "");
    EXPECT_EQ(sink.states.at(C + "/group/1"), "");
}

TEST_F(StaleObjects, ContentTargetsRemoteDevicesAndIoModulesAreClearedFromTheirLists) {
    answer("content_target", "",
           R"({"content_targets":[{"name":"Primary","level":1},{"name":"Target 3","level":2}]})");
    answer("content_target", "", R"({"content_targets":[{"name":"Primary","level":1}]})");
    EXPECT_EQ(sink.states.at(C + "/content_target/Target 3"), "");
    EXPECT_NE(sink.states.at(C + "/content_target/Primary"), "");

    answer("remote_device", "", R"({"remote_devices":[{"num":1},{"num":2}]})");
    answer("remote_device", "", R"({"remote_devices":[{"num":2}]})");
    EXPECT_EQ(sink.states.at(C + "/remote_device/1"), "");
    EXPECT_NE(sink.states.at(C + "/remote_device/2"), "");

    answer("io_module", "",
           R"({"modules":[{"id":1,"name":"Wait"}],)"
           R"("instances":[{"id":1,"module_id":1},{"id":2,"module_id":1}]})");
    answer("io_module", "", R"({"modules":[],"instances":[{"id":2,"module_id":1}]})");
    EXPECT_EQ(sink.states.at(C + "/io_module/1"), "");
    EXPECT_NE(sink.states.at(C + "/io_module/2"), "");
}

TEST_F(StaleObjects, AnObjectRefusedForItsShapeIsNotTakenForGone) {
    answer("timeline", "", timelines({1, 2}));
    answer("timeline", "",
           R"({"timelines":[{"num":1,"state":"none"},{"num":2,"state":"started"}]})");
    EXPECT_NE(sink.states.at(C + "/timeline/2"), "");
}

TEST_F(StaleObjects, ChangeBroadcastsOfWholeListsNeverClear) {
    // A content target change message carries the list too, but only a reply the gateway asked
    // for without parameters is known to be complete.
    answer("content_target", "",
           R"({"content_targets":[{"name":"Primary","level":1},{"name":"Target 3","level":2}]})");
    driver.text(R"({"broadcast":"content_target",)"
                R"("data":{"content_targets":[{"name":"Primary","level":5}]}})");
    EXPECT_NE(sink.states.at(C + "/content_target/Target 3"), "");
}

TEST_F(StaleObjects, RemovedControllerForgetsWhatItListed) {
    answer("timeline", "", timelines({1}));
    feature.on_controller_removed(driver.controller);
    sink.states.clear();
    sink.state_publishes.clear();
    answer("timeline", "", timelines({}));
    EXPECT_EQ(sink.states.count(C + "/timeline/1"), 0u) << "nothing left to clear";
}

} // namespace
} // namespace mg::features
