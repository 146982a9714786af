#include "tests/sim/running_sim.hpp"

#include <gtest/gtest.h>

namespace mg::sim::test {
namespace {

options limited(std::size_t max_connections) {
    options o;
    o.max_connections = max_connections;
    return o;
}

TEST(SimLimits, ConnectionsBeyondTheLimitAreClosedAndCounted) {
    running_sim sim{limited(2)};
    ws_test_client first;
    tcp_holder second; // an idle HTTP connection holds a slot too
    ASSERT_TRUE(first.connect(sim.port()));
    ASSERT_TRUE(second.connect(sim.port()));
    ASSERT_TRUE(eventually([&] { return sim.counter("tcp_current") == 2; }));

    tcp_holder third;
    ASSERT_TRUE(third.connect(sim.port())); // the kernel accepts; the controller closes it
    EXPECT_TRUE(third.closed_by_server());
    ws_test_client fourth;
    EXPECT_FALSE(fourth.connect(sim.port()));
    EXPECT_EQ(sim.counter("refused"), 2u);
    EXPECT_EQ(sim.counter("tcp_max"), 2u);
    // The control API does not count against a controller's budget.
    EXPECT_EQ(sim.counter("ws_current"), 1u);
}

TEST(SimLimits, AClosedConnectionFreesItsSlot) {
    running_sim sim{limited(1)};
    {
        ws_test_client first;
        ASSERT_TRUE(first.connect(sim.port()));
        ws_test_client refused;
        EXPECT_FALSE(refused.connect(sim.port()));
    }
    ASSERT_TRUE(eventually([&] { return sim.counter("tcp_current") == 0; }));
    ws_test_client again;
    EXPECT_TRUE(again.connect(sim.port()));
}

TEST(SimLimits, HardwareSetsTheDefaultLimit) {
    options o;
    o.hardware = "Atlas";
    o.max_connections = 16;
    running_sim sim{o};
    std::vector<std::unique_ptr<tcp_holder>> held;
    for (int i = 0; i < 16; ++i) {
        held.push_back(std::make_unique<tcp_holder>());
        ASSERT_TRUE(held.back()->connect(sim.port()));
    }
    ASSERT_TRUE(eventually([&] { return sim.counter("tcp_current") == 16; }));
    tcp_holder extra;
    ASSERT_TRUE(extra.connect(sim.port()));
    EXPECT_TRUE(extra.closed_by_server());
}

TEST(SimStats, CountersFollowTheTraffic) {
    running_sim sim;
    ws_test_client client;
    ASSERT_TRUE(client.connect(sim.port()));
    ASSERT_TRUE(client.send_text(R"({"subscribe":"timeline"})"));
    ASSERT_TRUE(client.send_text(R"({"request":"system","id":1})"));
    ASSERT_TRUE(client.send_text(R"({"request":"system","id":2})"));
    ASSERT_TRUE(client.send_text(R"({"request":"group","id":3})"));
    ASSERT_TRUE(client.send_text("{}"));
    ASSERT_TRUE(client.send_text("{oops"));
    for (int i = 0; i < 4; ++i)
        ASSERT_TRUE(client.read());

    auto s = sim.stats();
    EXPECT_EQ(s["port"].GetUint(), sim.port());
    EXPECT_EQ(s["tcp_current"].GetUint64(), 1u);
    EXPECT_EQ(s["ws_current"].GetUint64(), 1u);
    EXPECT_EQ(s["ws_max"].GetUint64(), 1u);
    EXPECT_EQ(s["ws_total"].GetUint64(), 1u);
    EXPECT_EQ(s["messages_in"].GetUint64(), 6u);
    EXPECT_EQ(s["keepalives_in"].GetUint64(), 1u);
    EXPECT_EQ(s["invalid_in"].GetUint64(), 1u);
    EXPECT_EQ(s["requests_by_name"]["system"].GetUint64(), 2u);
    EXPECT_EQ(s["requests_by_name"]["group"].GetUint64(), 1u);
    EXPECT_STREQ(s["subscriptions"][0]["channels"][0].GetString(), "timeline");

    EXPECT_EQ(sim.control("POST", "/reset-stats").status, 200u);
    s = sim.stats();
    EXPECT_EQ(s["messages_in"].GetUint64(), 0u);
    EXPECT_EQ(s["ws_total"].GetUint64(), 0u);
    EXPECT_TRUE(s["requests_by_name"].ObjectEmpty());
    EXPECT_EQ(s["ws_current"].GetUint64(), 1u); // current values survive a reset
    EXPECT_EQ(s["tcp_current"].GetUint64(), 1u);
    EXPECT_EQ(s["tcp_max"].GetUint64(), 1u);
    EXPECT_EQ(s["subscriptions"][0]["channels"].Size(), 1u);
}

TEST(SimStats, EachControllerHasItsOwnPortAndCounters) {
    options o;
    o.controllers = 3;
    running_sim sim{o};
    EXPECT_NE(sim.port(0), sim.port(1));
    ws_test_client client;
    ASSERT_TRUE(client.connect(sim.port(2)));
    ASSERT_TRUE(eventually([&] { return sim.counter("ws_current", 2) == 1; }));
    EXPECT_EQ(sim.counter("ws_current", 0), 0u);
    const auto ready = parse(sim.ready_line());
    EXPECT_TRUE(ready["ready"].GetBool());
    EXPECT_EQ(ready["ports"].Size(), 3u);
    EXPECT_EQ(ready["control_port"].GetUint(), sim.control_port());
    EXPECT_FALSE(ready.HasMember("fingerprint"));
}

} // namespace
} // namespace mg::sim::test
