// The gate for what the broker delivers: sizes are checked before a payload is copied.

#include "gateway/mqtt/inbound_gate.hpp"

#include <gtest/gtest.h>
#include <string>

namespace mg::test {
namespace {

TEST(InboundGate, AnOversizePayloadIsLeftBehindUncopiedWithTopicAndPropertiesKept) {
    mqtt::inbound_gate gate;
    gate.set_limit(4096);
    const std::string huge(1 << 20, '{');
    const auto m = gate.admit("mosaic/hotel/lobby/system/get", huge, "reply/here", "abc", false);
    EXPECT_TRUE(m.payload.empty());
    EXPECT_EQ(m.payload.capacity(), std::string().capacity()) << "no room was taken for it";
    EXPECT_EQ(m.oversize, huge.size());
    EXPECT_EQ(m.topic, "mosaic/hotel/lobby/system/get");
    EXPECT_EQ(m.response_topic, "reply/here");
    EXPECT_EQ(m.correlation_data, "abc");
}

TEST(InboundGate, APayloadUpToTheLimitIsCopied) {
    mqtt::inbound_gate gate;
    gate.set_limit(4);
    const auto m = gate.admit("a/b", "1234", "", "", true);
    EXPECT_EQ(m.payload, "1234");
    EXPECT_EQ(m.oversize, 0u);
    EXPECT_TRUE(m.retained);
    EXPECT_EQ(gate.admit("a/b", "12345", "", "", false).oversize, 5u);
}

} // namespace
} // namespace mg::test
