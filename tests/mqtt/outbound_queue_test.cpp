#include "gateway/mqtt/outbound_queue.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace mg::test {
namespace {

using mqtt::outbound_message;
using mqtt::outbound_queue;

outbound_message state(std::string topic, std::string payload) {
    return {std::move(topic), std::move(payload), {}, true};
}

outbound_message event(std::string topic, std::string payload, std::string correlation = {}) {
    return {std::move(topic), std::move(payload), std::move(correlation), false};
}

std::vector<std::string> payloads(const std::vector<outbound_message>& messages) {
    std::vector<std::string> out;
    for (const auto& m : messages)
        out.push_back(m.payload);
    return out;
}

TEST(OutboundQueue, StartsOfflineAndEmpty) {
    outbound_queue q(10);
    EXPECT_FALSE(q.online());
    EXPECT_EQ(q.buffered(), 0u);
    EXPECT_EQ(q.dropped(), 0u);
    EXPECT_TRUE(q.drain(true).empty());
}

TEST(OutboundQueue, ListsStateTopicsUnderAPrefixInFirstSeenOrder) {
    outbound_queue q(10);
    q.update_state("p/lobby/status", "offline");
    q.update_state("p/lobby-2/status", "offline");
    q.update_state("p/lobby/timeline/1", "{}");
    q.update_state("p/lobby/status", "online");
    q.hold_event("p/lobby/log", "x");
    EXPECT_EQ(q.state_topics("p/lobby/"),
              (std::vector<std::string>{"p/lobby/status", "p/lobby/timeline/1"}));
    EXPECT_TRUE(q.state_topics("q/").empty());
}

TEST(OutboundQueue, UnchangedStatePayloadIsSuppressed) {
    outbound_queue q(10);
    q.set_online(true);
    EXPECT_TRUE(q.update_state("a", "1"));
    EXPECT_FALSE(q.update_state("a", "1"));
    EXPECT_TRUE(q.update_state("a", "2"));
    EXPECT_TRUE(q.update_state("a", "1"));
    EXPECT_TRUE(q.update_state("b", "1")) << "same payload on another topic is a change";
    ASSERT_NE(q.state("a"), nullptr);
    EXPECT_EQ(*q.state("a"), "1");
    EXPECT_EQ(q.state("missing"), nullptr);
}

TEST(OutboundQueue, EmptyPayloadIsAStateOfItsOwn) {
    outbound_queue q(10);
    EXPECT_TRUE(q.update_state("a", ""));
    EXPECT_FALSE(q.update_state("a", ""));
    EXPECT_TRUE(q.update_state("a", "x"));
}

TEST(OutboundQueue, StateChangedWhileOnlineIsNotDirty) {
    outbound_queue q(10);
    q.set_online(true);
    q.update_state("a", "1");
    EXPECT_EQ(q.buffered(), 0u);
    EXPECT_TRUE(q.drain(false).empty());
}

TEST(OutboundQueue, OfflineStateCoalescesToLatestValue) {
    outbound_queue q(10);
    q.update_state("a", "1");
    q.update_state("b", "1");
    q.update_state("a", "2");
    q.update_state("a", "3");
    EXPECT_EQ(q.dirty_topics(), 2u);
    EXPECT_EQ(q.buffered(), 2u);
    EXPECT_EQ(q.drain(false), (std::vector{state("a", "3"), state("b", "1")}));
    EXPECT_EQ(q.buffered(), 0u);
}

TEST(OutboundQueue, UnchangedStateWhileOfflineIsNotMarkedDirty) {
    outbound_queue q(10);
    q.set_online(true);
    q.update_state("a", "1");
    q.set_online(false);
    EXPECT_FALSE(q.update_state("a", "1"));
    EXPECT_EQ(q.dirty_topics(), 0u);
}

TEST(OutboundQueue, DrainWithoutFullRepublishSendsOnlyDirtyTopicsInOrderTheyChanged) {
    outbound_queue q(10);
    q.set_online(true);
    q.update_state("a", "1");
    q.update_state("b", "1");
    q.update_state("c", "1");
    q.set_online(false);
    q.update_state("c", "2");
    q.update_state("a", "2");
    EXPECT_EQ(q.drain(false), (std::vector{state("c", "2"), state("a", "2")}));
}

TEST(OutboundQueue, FullRepublishSendsEveryTopicInFirstSeenOrder) {
    outbound_queue q(10);
    q.set_online(true);
    q.update_state("a", "1");
    q.update_state("b", "1");
    q.set_online(false);
    q.update_state("c", "1");
    q.update_state("b", "2");
    EXPECT_EQ(q.drain(true), (std::vector{state("a", "1"), state("b", "2"), state("c", "1")}));
    // The cache stays: the next full republish carries everything again.
    EXPECT_EQ(q.drain(true).size(), 3u);
    EXPECT_TRUE(q.drain(false).empty());
}

TEST(OutboundQueue, DrainPutsStateBeforeEventsAndEventsInFifoOrder) {
    outbound_queue q(10);
    q.hold_event("log", "e1");
    q.update_state("a", "1");
    q.hold_event("err", "e2", "corr");
    q.hold_event("log", "e3");
    q.update_state("b", "1");
    EXPECT_EQ(q.buffered(), 5u);
    EXPECT_EQ(q.drain(false), (std::vector{state("a", "1"), state("b", "1"), event("log", "e1"),
                                           event("err", "e2", "corr"), event("log", "e3")}));
    EXPECT_EQ(q.held_events(), 0u);
    EXPECT_EQ(q.buffered(), 0u);
}

TEST(OutboundQueue, EventsBeyondCapacityDropOldestFirstAndAreCounted) {
    outbound_queue q(3);
    for (int i = 0; i < 10; ++i)
        q.hold_event("log", std::to_string(i));
    EXPECT_EQ(q.held_events(), 3u);
    EXPECT_EQ(q.dropped(), 7u);
    EXPECT_EQ(payloads(q.drain(false)), (std::vector<std::string>{"7", "8", "9"}));
    // The ring is reused after a drain.
    q.hold_event("log", "a");
    q.hold_event("log", "b");
    EXPECT_EQ(payloads(q.drain(false)), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(q.dropped(), 7u);
}

TEST(OutboundQueue, ZeroCapacityHoldsNoEventsButStillCoalescesState) {
    outbound_queue q(0);
    q.hold_event("log", "x");
    q.update_state("a", "1");
    EXPECT_EQ(q.dropped(), 1u);
    EXPECT_EQ(q.buffered(), 1u);
    EXPECT_EQ(q.drain(false), (std::vector{state("a", "1")}));
}

TEST(OutboundQueue, OrderSurvivesWrapAroundAndGrowth) {
    outbound_queue q(1000);
    int next_in = 0;
    int next_out = 0;
    // Interleave holding and draining so the ring wraps while it grows.
    for (int round = 0; round < 20; ++round) {
        for (int i = 0; i < 37 + round * 11; ++i)
            q.hold_event("t", std::to_string(next_in++));
        for (const auto& m : q.drain(false))
            ASSERT_EQ(m.payload, std::to_string(next_out++));
    }
    EXPECT_EQ(next_in, next_out);
    EXPECT_EQ(q.dropped(), 0u);
}

TEST(OutboundQueue, RestoreMarksStateDirtyAndKeepsItsLatestValue) {
    outbound_queue q(10);
    q.set_online(true);
    q.update_state("a", "1");
    std::vector sent{state("a", "1")};
    q.update_state("a", "2"); // newer than what failed
    q.restore(sent);
    EXPECT_EQ(q.drain(false), (std::vector{state("a", "2")}));
}

TEST(OutboundQueue, RestoredEventsGoAheadOfEventsHeldSince) {
    outbound_queue q(10);
    q.hold_event("t", "1");
    q.hold_event("t", "2");
    auto drained = q.drain(false);
    q.hold_event("t", "3");
    q.restore(drained);
    q.hold_event("t", "4");
    EXPECT_EQ(payloads(q.drain(false)), (std::vector<std::string>{"1", "2", "3", "4"}));
}

TEST(OutboundQueue, RestoreOfAPartlySentDrainKeepsTheRestInOrder) {
    outbound_queue q(10);
    q.update_state("a", "1");
    q.hold_event("t", "1");
    q.hold_event("t", "2");
    q.hold_event("t", "3");
    auto drained = q.drain(true);
    ASSERT_EQ(drained.size(), 4u);
    // The state and the first event went out; the rest failed.
    q.restore(std::span(drained).subspan(2));
    EXPECT_EQ(payloads(q.drain(false)), (std::vector<std::string>{"2", "3"}));
}

TEST(OutboundQueue, RestoreBeyondCapacityDropsTheOldestRestoredEvents) {
    outbound_queue q(3);
    q.hold_event("t", "1");
    q.hold_event("t", "2");
    q.hold_event("t", "3");
    auto drained = q.drain(false);
    q.hold_event("t", "4");
    q.hold_event("t", "5");
    q.restore(drained);
    EXPECT_EQ(q.dropped(), 2u);
    EXPECT_EQ(payloads(q.drain(false)), (std::vector<std::string>{"3", "4", "5"}));
}

TEST(OutboundQueue, RestoreIntoAFullQueueDropsAllRestoredEvents) {
    outbound_queue q(2);
    std::vector failed{event("t", "old")};
    q.hold_event("t", "1");
    q.hold_event("t", "2");
    q.restore(failed);
    EXPECT_EQ(q.dropped(), 1u);
    EXPECT_EQ(payloads(q.drain(false)), (std::vector<std::string>{"1", "2"}));
}

TEST(OutboundQueue, MarkDirtyOnlyConcernsKnownTopics) {
    outbound_queue q(10);
    q.set_online(true);
    q.update_state("a", "1");
    q.mark_dirty("a");
    q.mark_dirty("a");
    q.mark_dirty("unknown");
    EXPECT_EQ(q.dirty_topics(), 1u);
    EXPECT_EQ(q.drain(false), (std::vector{state("a", "1")}));
}

TEST(OutboundQueue, MemoryStaysBoundedByTopicCountUnderManyUpdates) {
    outbound_queue q(100000);
    for (int i = 0; i < 100000; ++i)
        q.update_state("topic/" + std::to_string(i % 100), std::to_string(i));
    EXPECT_EQ(q.topics(), 100u);
    EXPECT_EQ(q.dirty_topics(), 100u);
    EXPECT_EQ(q.held_events(), 0u);
    EXPECT_EQ(q.buffered(), 100u);
    const auto drained = q.drain(false);
    ASSERT_EQ(drained.size(), 100u);
    // Each topic carries its last value: updates 99900..99999 in topic order.
    for (int t = 0; t < 100; ++t) {
        EXPECT_EQ(drained[t].topic, "topic/" + std::to_string(t));
        EXPECT_EQ(drained[t].payload, std::to_string(99900 + t));
    }
}

TEST(OutboundQueue, EventsStayBoundedByCapacityUnderManyEvents) {
    outbound_queue q(1000);
    for (int i = 0; i < 100000; ++i)
        q.hold_event("log", std::to_string(i));
    EXPECT_EQ(q.held_events(), 1000u);
    EXPECT_EQ(q.dropped(), 99000u);
    const auto drained = q.drain(false);
    EXPECT_EQ(drained.front().payload, "99000");
    EXPECT_EQ(drained.back().payload, "99999");
}

} // namespace
} // namespace mg::test
