#include "gateway/mqtt/topics.hpp"

#include <gtest/gtest.h>
#include <string>

namespace mg::test {
namespace {

using mqtt::join_topic;
using mqtt::sanitize_segment;
using mqtt::topic_matches;

struct sanitize_case {
    std::string in;
    std::string out;
};

class SanitizeSegment : public ::testing::TestWithParam<sanitize_case> {};

TEST_P(SanitizeSegment, ReplacesWhatWouldBreakTheTopic) {
    EXPECT_EQ(sanitize_segment(GetParam().in), GetParam().out);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, SanitizeSegment,
    ::testing::Values(sanitize_case{"lobby", "lobby"}, sanitize_case{"", "_"},
                      sanitize_case{"a/b", "a_b"}, sanitize_case{"+", "_"},
                      sanitize_case{"#all", "_all"}, sanitize_case{"tab\there", "tab_here"},
                      sanitize_case{std::string("nul\0x", 5), "nul_x"},
                      sanitize_case{"del\x7f", "del_"}, sanitize_case{"\x1f\x20", "_ "},
                      sanitize_case{"caf\xc3\xa9", "caf\xc3\xa9"}, // UTF-8 stays as it is
                      sanitize_case{"$SYS", "$SYS"}, sanitize_case{"a b-c_d.e", "a b-c_d.e"}));

struct match_case {
    std::string filter;
    std::string topic;
    bool matches;
};

class TopicMatches : public ::testing::TestWithParam<match_case> {};

TEST_P(TopicMatches, FollowsMqttWildcardRules) {
    const auto& row = GetParam();
    EXPECT_EQ(topic_matches(row.filter, row.topic), row.matches)
        << "filter '" << row.filter << "' topic '" << row.topic << "'";
}

INSTANTIATE_TEST_SUITE_P(
    Rows, TopicMatches,
    ::testing::Values(
        match_case{"a/b", "a/b", true}, match_case{"a/b", "a/c", false},
        match_case{"a/b", "a/b/c", false}, match_case{"a/b/c", "a/b", false},
        match_case{"a/+", "a/b", true}, match_case{"a/+", "a/b/c", false},
        match_case{"a/+", "a", false}, match_case{"a/+", "a/", true}, match_case{"+/+", "/x", true},
        match_case{"+", "a", true}, match_case{"+", "a/b", false},
        match_case{"+/b/+", "x/b/y", true}, match_case{"+/b/+", "x/c/y", false},
        match_case{"#", "a", true}, match_case{"#", "a/b/c", true}, match_case{"#", "/", true},
        match_case{"a/#", "a", true}, match_case{"a/#", "a/b", true},
        match_case{"a/#", "a/b/c", true}, match_case{"a/#", "ab", false},
        match_case{"a/#", "b/a", false}, match_case{"a/+/#", "a/b", true},
        match_case{"a/+/#", "a", false},
        match_case{"mosaic/site/+/+/get", "mosaic/site/lobby/system/get", true},
        match_case{"mosaic/site/+/+/get", "mosaic/site/lobby/system", false},
        // A leading wildcard does not reach into $-topics.
        match_case{"#", "$SYS/broker", false}, match_case{"+/broker", "$SYS/broker", false},
        match_case{"$SYS/#", "$SYS/broker", true},
        // Malformed filters match nothing.
        match_case{"a/#/b", "a/x/b", false}, match_case{"a#", "a#", false},
        match_case{"a/b+", "a/b+", false}, match_case{"", "a", false}, match_case{"a", "", false}));

TEST(ValidTopicName, RefusesWhatABrokerWouldRefuse) {
    EXPECT_TRUE(mqtt::valid_topic_name("mosaic/site/lobby/status"));
    EXPECT_TRUE(mqtt::valid_topic_name("/"));
    EXPECT_TRUE(mqtt::valid_topic_name("a b/\xc3\xa9"));
    EXPECT_FALSE(mqtt::valid_topic_name(""));
    EXPECT_FALSE(mqtt::valid_topic_name("a/+/b"));
    EXPECT_FALSE(mqtt::valid_topic_name("a/#"));
    EXPECT_FALSE(mqtt::valid_topic_name(std::string("a\0b", 3)));
    EXPECT_FALSE(mqtt::valid_topic_name(std::string(65536, 'a')));
}

TEST(JoinTopic, JoinsLevelsWithSlashes) {
    EXPECT_EQ(join_topic({"mosaic", "hotel", "lobby", "status"}), "mosaic/hotel/lobby/status");
    EXPECT_EQ(join_topic({"only"}), "only");
    EXPECT_EQ(join_topic({}), "");
    EXPECT_EQ(join_topic({"a", ""}), "a/");
}

TEST(JoinTopic, SanitizedNamesStayOneLevel) {
    const auto topic = join_topic({"base", sanitize_segment("a/b#"), "x"});
    EXPECT_EQ(topic, "base/a_b_/x");
    EXPECT_TRUE(topic_matches("base/+/x", topic));
}

} // namespace
} // namespace mg::test
