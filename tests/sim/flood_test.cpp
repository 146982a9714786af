#include "tests/sim/running_sim.hpp"

#include <gtest/gtest.h>

namespace mg::sim::test {
namespace {

TEST(SimFlood, SubscribersGetTheConfiguredNumberOfTimedChanges) {
    options o;
    o.flood_rate = 1000;
    o.flood_count = 200;
    running_sim sim{o};
    ws_test_client client;
    ASSERT_TRUE(client.connect(sim.port()));
    // Only `group`: the flood starts with this subscription and every other message is a group.
    ASSERT_TRUE(client.send_text(R"({"subscribe":"group"})"));
    std::vector<std::int64_t> sent;
    for (int i = 0; i < 100; ++i) {
        const auto frame = client.read();
        ASSERT_TRUE(frame) << "after " << i << " messages";
        const auto doc = parse(frame->data);
        ASSERT_STREQ(doc["broadcast"].GetString(), "group");
        sent.push_back(doc["data"]["sent_ns"].GetInt64());
    }
    EXPECT_FALSE(client.read(100ms)) << "more than --flood-count messages";
    EXPECT_TRUE(std::is_sorted(sent.begin(), sent.end()));
    // 1000 per second: the 200th message leaves at least ~198 ms after the first one.
    EXPECT_GE(sent.back() - sent.front(), 190'000'000);
}

TEST(SimFlood, TimelineMessagesCarryTheSendTimeToo) {
    options o;
    o.flood_rate = 500;
    o.flood_count = 10;
    running_sim sim{o};
    ws_test_client client;
    ASSERT_TRUE(client.connect(sim.port()));
    ASSERT_TRUE(client.send_text(R"({"subscribe":"timeline"})"));
    for (int i = 0; i < 5; ++i) {
        const auto frame = client.read();
        ASSERT_TRUE(frame);
        const auto doc = parse(frame->data);
        EXPECT_STREQ(doc["broadcast"].GetString(), "timeline");
        EXPECT_TRUE(doc["data"]["sent_ns"].IsInt64());
        EXPECT_STREQ(doc["data"]["state"].GetString(), "running");
    }
}

} // namespace
} // namespace mg::sim::test
