#include "gateway/protocol/log_entry.hpp"
#include "gateway/sim/changes.hpp"
#include "gateway/sim/num_filter.hpp"
#include "gateway/sim/project_model.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace mg::sim {
namespace {

rapidjson::Document parse(const std::string& text) {
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    return doc;
}

TEST(NumFilter, MatchesNumbersAndRanges) {
    const auto f = num_filter::parse("1,2,5-9");
    ASSERT_TRUE(f);
    for (int n : {1, 2, 5, 7, 9})
        EXPECT_TRUE(f->matches(n)) << n;
    for (int n : {0, 3, 4, 10})
        EXPECT_FALSE(f->matches(n)) << n;
    EXPECT_TRUE(num_filter{}.matches(42));
    EXPECT_FALSE(num_filter::parse("1,,2"));
    EXPECT_FALSE(num_filter::parse("3-1"));
    EXPECT_FALSE(num_filter::parse("x"));
    EXPECT_FALSE(num_filter::nothing().matches(1));
}

TEST(ProjectModel, QuirkyChannelsUseTheirDocumentedEnvelopes) {
    project_model model("Atlas", 0);
    const auto content = parse(model.content_targets_frame());
    EXPECT_STREQ(content["request"].GetString(), "content_target");
    EXPECT_EQ(content["id"].GetInt(), 5);
    EXPECT_FALSE(content.HasMember("broadcast"));
    EXPECT_EQ(content["data"]["content_targets"].Size(), 2u);

    const auto remote = parse(model.remote_devices_frame());
    EXPECT_FALSE(remote.HasMember("broadcast"));
    EXPECT_FALSE(remote.HasMember("request"));
    EXPECT_EQ(remote["data"]["remote_devices"].Size(), 2u);

    const auto io = parse(model.io_modules_frame());
    EXPECT_STREQ(io["request"].GetString(), "io_module");
    EXPECT_EQ(io["id"].GetInt(), 1);
    EXPECT_EQ(io["data"]["instances"].Size(), 2u);

    EXPECT_EQ(model.beacon_frame(), R"({"broadcast":"beacon","data":{"on":false}})");
    EXPECT_EQ(model.lua_frame("slider_level"), R"({"broadcast":"lua","data":{"slider_level":56}})");
}

TEST(ProjectModel, LogRepliesAndBroadcastsUseThePackedFormat) {
    project_model model("MSC", 0);
    rapidjson::Document message(rapidjson::kObjectType);
    const auto data = parse(*model.reply_data("log", message));
    std::size_t malformed = 0;
    const auto entries = protocol::parse_log(data["log"].GetString(), &malformed);
    EXPECT_EQ(malformed, 0u);
    ASSERT_EQ(entries.size(), 4u);
    EXPECT_EQ(entries[1].text, "ACTION Start Timeline Timeline 2");
    EXPECT_EQ(entries[1].offset_min, 60);
    EXPECT_EQ(entries[3].level, 7); // the level that looks like a start marker

    const protocol::log_entry entry{22, 4, 0, 0x68907857, "Web API: Enqueue trigger 2"};
    const auto frame = parse(model.log_frame(entry));
    EXPECT_STREQ(frame["broadcast"].GetString(), "log");
    EXPECT_EQ(protocol::parse_log(frame["data"]["log"].GetString()).at(0), entry);
}

TEST(ProjectModel, RandomChangesAreDeterministicForASeed) {
    project_model a("MSC", 0);
    project_model b("MSC", 0);
    std::mt19937_64 rng_a(7);
    std::mt19937_64 rng_b(7);
    for (int i = 0; i < 200; ++i) {
        const auto x = random_change(a, rng_a);
        const auto y = random_change(b, rng_b);
        if (x.channel == "log")
            continue; // log entries carry the wall-clock time
        EXPECT_EQ(x.channel, y.channel);
        EXPECT_EQ(x.frame, y.frame);
        EXPECT_TRUE(parse(x.frame).IsObject()) << x.frame;
    }
}

TEST(ProjectModel, FloodAlternatesGroupAndTimelineWithSendTime) {
    project_model model("MSC", 0);
    const auto first = flood_change(model, 0, 123);
    const auto second = flood_change(model, 1, 456);
    EXPECT_EQ(first.channel, "group");
    EXPECT_EQ(second.channel, "timeline");
    EXPECT_EQ(parse(first.frame)["data"]["sent_ns"].GetInt64(), 123);
    EXPECT_EQ(parse(second.frame)["data"]["sent_ns"].GetInt64(), 456);
}

} // namespace
} // namespace mg::sim
