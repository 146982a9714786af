// Group levels on whichever scale a firmware reports them, published as 0-100.

#include "gateway/features/group_level.hpp"
#include "gateway/features/state_topics.hpp"
#include "tests/support/link_driver.hpp"
#include "tests/support/recording_sink.hpp"

#include <gtest/gtest.h>

namespace mg::features {
namespace {

double percent_of(group_level_scale& scale, const char* json) {
    rapidjson::Document doc;
    doc.Parse(json);
    return scale.percent(doc).value();
}

TEST(GroupLevelScale, PercentStaysAsReported) {
    group_level_scale scale;
    EXPECT_EQ(percent_of(scale, "67"), 67);
    EXPECT_EQ(percent_of(scale, "100"), 100);
    EXPECT_EQ(percent_of(scale, "0"), 0);
    EXPECT_EQ(percent_of(scale, "1"), 1) << "an integer 1 is one percent, not a fraction";
    EXPECT_FALSE(scale.counts_to_255());
}

TEST(GroupLevelScale, AFractionBecomesPercent) {
    group_level_scale scale;
    EXPECT_DOUBLE_EQ(percent_of(scale, "0.5"), 50);
    EXPECT_DOUBLE_EQ(percent_of(scale, "37.5"), 37.5);
}

TEST(GroupLevelScale, ALevelAbove100ShowsA255ScaleForEveryLaterLevel) {
    group_level_scale scale;
    EXPECT_EQ(percent_of(scale, "40"), 40) << "nothing shows the scale yet";
    EXPECT_EQ(percent_of(scale, "255"), 100);
    EXPECT_TRUE(scale.counts_to_255());
    EXPECT_EQ(percent_of(scale, "128"), 50);
    EXPECT_EQ(percent_of(scale, "51"), 20);
    EXPECT_EQ(percent_of(scale, "0"), 0);
}

TEST(GroupLevelScale, NotANumberIsNotALevel) {
    group_level_scale scale;
    rapidjson::Document doc;
    doc.Parse(R"("50")");
    EXPECT_FALSE(scale.percent(doc));
}

TEST(GroupLevelState, ALevelOnTheOlderScaleIsPublishedAsPercentForTheWholeControllerAfterIt) {
    test::recording_sink sink;
    topic_scheme topics("mosaic", "hotel");
    state_topics feature(sink, topics);
    test::link_driver driver({&feature});
    const std::string C = "mosaic/hotel/lobby/group/";
    driver.text(R"({"broadcast":"group","data":{"num":1,"name":"Group 1","level":67}})");
    EXPECT_EQ(sink.states.at(C + "1"), R"({"num":1,"name":"Group 1","level":67})");
    driver.text(R"({"broadcast":"group","data":{"num":2,"name":"Group 2","level":255}})");
    EXPECT_EQ(sink.states.at(C + "2"), R"({"num":2,"name":"Group 2","level":100})");
    driver.text(R"({"broadcast":"group","data":{"num":1,"name":"Group 1","level":128}})");
    EXPECT_EQ(sink.states.at(C + "1"), R"({"num":1,"name":"Group 1","level":50})");
    driver.text(R"({"broadcast":"group","data":{"num":1,"name":"Group 1","level":0.25}})");
    EXPECT_EQ(sink.states.at(C + "1"), R"({"num":1,"name":"Group 1","level":25})");
}

} // namespace
} // namespace mg::features
