#include "gateway/mqtt/delivery.hpp"

#include <deque>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace mg::test {
namespace {

using mqtt::delivery;
using mqtt::outbound_message;
using result = delivery::send_result;

// Stands in for the client library: records what it is handed and answers as told.
struct fake_client {
    struct sent_message {
        outbound_message message;
        std::uint64_t seq;
    };
    std::vector<sent_message> sent;
    std::deque<result> answers; // empty: sent
    int stalls = 0;

    delivery make(std::size_t capacity) {
        return delivery(capacity, {[this](const outbound_message& m, std::uint64_t seq) {
                                       auto r = result::sent;
                                       if (!answers.empty()) {
                                           r = answers.front();
                                           answers.pop_front();
                                       }
                                       if (r == result::sent)
                                           sent.push_back({m, seq});
                                       return r;
                                   },
                                   [this] { ++stalls; }});
    }

    std::vector<std::string> payloads() const {
        std::vector<std::string> out;
        for (const auto& s : sent)
            out.push_back(s.message.payload);
        return out;
    }

    // Confirms everything handed over so far.
    void confirm_all(delivery& d) {
        for (const auto& s : std::vector(sent))
            d.confirmed(s.seq);
    }
};

using strings = std::vector<std::string>;

TEST(Delivery, HoldsEverythingUntilTheLinkComesUp) {
    fake_client c;
    auto d = c.make(10);
    d.publish_state("s", "1");
    d.publish_event("e", "a");
    d.publish_state("s", "2");
    EXPECT_TRUE(c.sent.empty());
    EXPECT_EQ(d.buffered(), 2u);
    d.link_up(100);
    EXPECT_EQ(c.payloads(), (strings{"2", "a"}));
    EXPECT_TRUE(c.sent[0].message.retained);
    EXPECT_FALSE(c.sent[1].message.retained);
}

TEST(Delivery, ClearStatesSendsAnEmptyRetainedPayloadOncePerTopicUnderThePrefix) {
    fake_client c;
    auto d = c.make(10);
    d.link_up(100);
    d.publish_state("p/a/status", "online");
    d.publish_state("p/a/timeline/1", "{}");
    d.publish_state("p/b/status", "online");
    d.publish_state("p/a/timeline/2", "");
    c.sent.clear();
    d.clear_states("p/a/");
    d.clear_states("p/a/"); // already cleared: nothing more
    ASSERT_EQ(c.sent.size(), 2u);
    EXPECT_EQ(c.sent[0].message.topic, "p/a/status");
    EXPECT_EQ(c.sent[1].message.topic, "p/a/timeline/1");
    for (const auto& s : c.sent) {
        EXPECT_TRUE(s.message.retained);
        EXPECT_EQ(s.message.payload, "");
    }
}

TEST(Delivery, AClearMadeWhileTheLinkIsDownGoesOutOnReconnect) {
    fake_client c;
    auto d = c.make(10);
    d.link_up(100);
    d.publish_state("p/a/status", "online");
    c.confirm_all(d);
    d.link_down();
    c.sent.clear();
    d.clear_states("p/a/");
    d.link_up(100);
    ASSERT_EQ(c.sent.size(), 1u);
    EXPECT_EQ(c.sent[0].message.topic, "p/a/status");
    EXPECT_EQ(c.sent[0].message.payload, "");
}

TEST(Delivery, PublishesDirectlyOnceCaughtUp) {
    fake_client c;
    auto d = c.make(10);
    d.link_up(100);
    d.publish_state("s", "1");
    d.publish_state("s", "1"); // unchanged
    d.publish_event("e", "a", "corr");
    ASSERT_EQ(c.sent.size(), 2u);
    EXPECT_EQ(c.sent[1].message.correlation_data, "corr");
    EXPECT_EQ(d.published(), 2u);
    EXPECT_EQ(d.unconfirmed(), 2u);
    c.confirm_all(d);
    EXPECT_EQ(d.unconfirmed(), 0u);
}

TEST(Delivery, EveryRetainedTopicGoesOutAgainOnEachLinkUp) {
    fake_client c;
    auto d = c.make(10);
    d.link_up(100);
    d.publish_state("a", "1");
    d.publish_state("b", "1");
    c.confirm_all(d);
    d.link_down();
    d.link_up(100);
    EXPECT_EQ(c.payloads(), (strings{"1", "1", "1", "1"}));
    EXPECT_EQ(c.sent[2].message.topic, "a");
    EXPECT_EQ(c.sent[3].message.topic, "b");
}

TEST(Delivery, WindowLimitsUnconfirmedAndConfirmationsContinue) {
    fake_client c;
    auto d = c.make(100);
    for (int i = 0; i < 10; ++i)
        d.publish_event("e", std::to_string(i));
    d.link_up(3);
    EXPECT_EQ(c.payloads(), (strings{"0", "1", "2"}));
    d.confirmed(c.sent[1].seq); // out of order: still one slot
    EXPECT_EQ(c.sent.size(), 4u);
    d.confirmed(c.sent[0].seq);
    EXPECT_EQ(c.sent.size(), 5u);
    while (d.unconfirmed() > 0)
        c.confirm_all(d);
    EXPECT_EQ(c.payloads(), (strings{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}));
    EXPECT_EQ(d.buffered(), 0u);
}

TEST(Delivery, WhatIsPublishedDuringTheBacklogQueuesBehindIt) {
    fake_client c;
    auto d = c.make(100);
    d.publish_event("e", "old-1");
    d.publish_event("e", "old-2");
    d.link_up(1);
    d.publish_event("e", "new");
    d.publish_state("s", "x");
    while (d.unconfirmed() > 0)
        c.confirm_all(d);
    // State first within each drain, then events in order.
    EXPECT_EQ(c.payloads(), (strings{"old-1", "old-2", "x", "new"}));
}

TEST(Delivery, AFullWindowWhileCaughtUpHoldsNewMessagesInOrder) {
    fake_client c;
    auto d = c.make(100);
    d.link_up(2);
    d.publish_event("e", "1");
    d.publish_event("e", "2");
    d.publish_event("e", "3"); // window full: held
    d.publish_event("e", "4");
    EXPECT_EQ(c.payloads(), (strings{"1", "2"}));
    EXPECT_EQ(d.buffered(), 2u);
    while (d.unconfirmed() > 0)
        c.confirm_all(d);
    EXPECT_EQ(c.payloads(), (strings{"1", "2", "3", "4"}));
    d.publish_event("e", "5");
    EXPECT_EQ(c.sent.back().message.payload, "5") << "direct again once caught up";
}

TEST(Delivery, LinkLossGivesBackUnconfirmedAndBacklogAheadOfNewerMessages) {
    fake_client c;
    auto d = c.make(100);
    for (int i = 0; i < 6; ++i)
        d.publish_event("e", std::to_string(i));
    d.link_up(2);
    d.confirmed(c.sent[0].seq); // "0" delivered, "1" and "2" in flight, 3..5 in the backlog
    d.link_down();
    d.publish_event("e", "6");
    EXPECT_EQ(d.buffered(), 6u);
    // Confirmations of the lost session arrive late and change nothing.
    d.confirmed(c.sent[1].seq);
    c.sent.clear();
    d.link_up(100);
    EXPECT_EQ(c.payloads(), (strings{"1", "2", "3", "4", "5", "6"}));
}

TEST(Delivery, LinkUpWithoutLinkDownTreatsTheOldSessionAsLost) {
    fake_client c;
    auto d = c.make(100);
    d.link_up(100);
    d.publish_event("e", "unconfirmed");
    c.sent.clear();
    d.link_up(100);
    EXPECT_EQ(c.payloads(), (strings{"unconfirmed"}));
}

TEST(Delivery, LaterWithNothingInFlightAsksToBeCalledAgain) {
    fake_client c;
    auto d = c.make(100);
    d.publish_event("e", "1");
    d.publish_event("e", "2");
    c.answers = {result::later};
    d.link_up(100);
    EXPECT_TRUE(c.sent.empty());
    EXPECT_EQ(c.stalls, 1);
    d.pump();
    EXPECT_EQ(c.payloads(), (strings{"1", "2"}));
}

TEST(Delivery, LaterOnADirectPublishHoldsAndKeepsOrder) {
    fake_client c;
    auto d = c.make(100);
    d.link_up(100);
    c.answers = {result::later};
    d.publish_event("e", "1");
    EXPECT_EQ(c.stalls, 1);
    d.publish_event("e", "2");
    d.publish_state("s", "x");
    d.pump();
    EXPECT_EQ(c.payloads(), (strings{"x", "1", "2"}));
}

TEST(Delivery, RefusedMessagesAreDroppedAndCountedWithoutStoppingTheRest) {
    fake_client c;
    auto d = c.make(100);
    d.publish_event("e", "1");
    d.publish_event("e", "2");
    c.answers = {result::refused};
    d.link_up(100);
    EXPECT_EQ(c.payloads(), (strings{"2"}));
    EXPECT_EQ(d.dropped(), 1u);
    d.confirmed(c.sent[0].seq, /*refused_by_broker=*/true);
    EXPECT_EQ(d.dropped(), 2u);
    d.link_down();
    c.sent.clear();
    d.link_up(100);
    EXPECT_TRUE(c.sent.empty()) << "a refused event is not sent again";
}

TEST(Delivery, InvalidTopicsAreRefused) {
    fake_client c;
    auto d = c.make(100);
    d.link_up(100);
    EXPECT_FALSE(d.publish_state("a/+", "x"));
    EXPECT_FALSE(d.publish_event("a/#", "x"));
    EXPECT_TRUE(c.sent.empty());
    EXPECT_EQ(d.dropped(), 2u);
}

TEST(Delivery, StateNowGoesPastAFullWindowAndTheBacklog) {
    fake_client c;
    auto d = c.make(100);
    d.publish_state("status", "offline");
    d.publish_event("e", "1");
    d.publish_event("e", "2");
    d.link_up(1);
    ASSERT_EQ(c.payloads(), (strings{"offline"}));
    d.publish_state_now("status", "offline");
    EXPECT_EQ(c.payloads(), (strings{"offline", "offline"}));
    d.link_down();
    c.sent.clear();
    d.publish_state_now("status", "x");
    EXPECT_TRUE(c.sent.empty()) << "nothing while the link is down";
}

TEST(Delivery, EventBoundAppliesWhileTheLinkIsDown) {
    fake_client c;
    auto d = c.make(3);
    for (int i = 0; i < 5; ++i)
        d.publish_event("e", std::to_string(i));
    EXPECT_EQ(d.dropped(), 2u);
    d.link_up(100);
    EXPECT_EQ(c.payloads(), (strings{"2", "3", "4"}));
}

} // namespace
} // namespace mg::test
