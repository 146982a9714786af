#include "tests/sim/running_sim.hpp"

#include <gtest/gtest.h>

namespace mg::sim::test {
namespace {

class SimFaults : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(client.connect(sim.port())); }

    running_sim sim;
    ws_test_client client;
};

TEST_F(SimFaults, DropClosesEveryConnection) {
    ws_test_client second;
    ASSERT_TRUE(second.connect(sim.port()));
    ASSERT_TRUE(eventually([&] { return sim.counter("ws_current") == 2; }));
    sim.post("fault", R"({"kind":"drop"})");
    EXPECT_FALSE(client.read());
    EXPECT_TRUE(client.closed());
    EXPECT_FALSE(second.read());
    EXPECT_TRUE(second.closed());
    EXPECT_TRUE(eventually([&] { return sim.counter("tcp_current") == 0; }));
    EXPECT_EQ(sim.counter("ws_current"), 0u);
}

TEST_F(SimFaults, RefuseRejectsNewConnectionsForAWhile) {
    sim.post("fault", R"({"kind":"refuse","seconds":0.3})");
    ws_test_client refused;
    EXPECT_FALSE(refused.connect(sim.port()));
    EXPECT_GE(sim.counter("refused"), 1u);
    // The existing connection is untouched.
    ASSERT_TRUE(client.send_text("{}"));
    EXPECT_TRUE(client.read());
    EXPECT_TRUE(eventually([&] {
        ws_test_client later;
        return later.connect(sim.port());
    }));
}

TEST_F(SimFaults, SilenceSuppressesEveryReplyForAWhile) {
    sim.post("fault", R"({"kind":"silence","seconds":0.3})");
    ASSERT_TRUE(client.send_text("{}"));
    EXPECT_FALSE(client.read(150ms));
    EXPECT_EQ(sim.counter("keepalives_in"), 1u); // read, but not answered
    ASSERT_TRUE(eventually([&] { return client.send_text("{}") && client.read(50ms); }));
}

TEST_F(SimFaults, GarbageBinaryAndOversizedFramesReachClients) {
    sim.post("fault", R"({"kind":"garbage"})");
    sim.post("fault", R"({"kind":"binary"})");
    sim.post("fault", R"({"kind":"oversized"})");
    const auto garbage = client.read();
    ASSERT_TRUE(garbage);
    EXPECT_FALSE(garbage->binary);
    EXPECT_FALSE(parse(garbage->data).IsObject());
    const auto binary = client.read();
    ASSERT_TRUE(binary);
    EXPECT_TRUE(binary->binary);
    EXPECT_NE(binary->data.size(), 16u);
    const auto oversized = client.read();
    ASSERT_TRUE(oversized);
    EXPECT_EQ(oversized->data.size(), 4u * 1024 * 1024);
    EXPECT_TRUE(parse(oversized->data).IsObject());
}

TEST_F(SimFaults, UnknownOrIncompleteFaultsAreRejected) {
    EXPECT_EQ(sim.control("POST", "/controllers/0/fault", R"({"kind":"meteor"})").status, 400u);
    EXPECT_EQ(sim.control("POST", "/controllers/0/fault", R"({"kind":"refuse"})").status, 400u);
}

} // namespace
} // namespace mg::sim::test
