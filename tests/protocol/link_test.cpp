#include "gateway/protocol/link.hpp"

#include "tests/support/actions.hpp"
#include "tests/support/manual_clock.hpp"

#include <gtest/gtest.h>

namespace mg::protocol {
namespace {

using namespace std::chrono_literals;

using test::all_of;
using test::has;

std::vector<std::string> frames(const link_actions& actions) {
    std::vector<std::string> texts;
    for (const auto& f : all_of<send_frame>(actions))
        texts.push_back(f.text);
    return texts;
}

std::optional<link_state> last_state(const link_actions& actions) {
    const auto changes = all_of<state_changed>(actions);
    if (changes.empty())
        return std::nullopt;
    return changes.back().state;
}

link_settings basic_settings() {
    link_settings s;
    s.channels = {"timeline", "scene"};
    s.polls = {{"system", std::nullopt, "", ""}, {"temperature", 60s, "", ""}};
    return s;
}

const std::vector<std::uint8_t> zero_key(16, 0);
const std::vector<std::uint8_t> key_a{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
const std::vector<std::uint8_t> key_b{9, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

class LinkTest : public ::testing::Test {
protected:
    test::manual_clock clock;

    // Brings a link to live; returns what it sent on the way.
    std::vector<std::string> go_live(link& l) {
        auto started = l.start();
        if (has<authenticate>(started))
            EXPECT_TRUE(has<open_socket>(l.on_authenticated("tok")));
        else
            EXPECT_TRUE(has<open_socket>(started));
        const auto& opened = l.on_opened();
        EXPECT_EQ(last_state(opened), link_state::live);
        return frames(opened);
    }
};

TEST_F(LinkTest, OpensSocketDirectlyWithoutCredentials) {
    link l(basic_settings(), clock);
    const auto& a = l.start();
    EXPECT_TRUE(has<open_socket>(a));
    EXPECT_FALSE(has<authenticate>(a));
    EXPECT_EQ(last_state(a), link_state::connecting);
}

TEST_F(LinkTest, SubscribesAndSendsOnConnectRequestsWhenOpened) {
    link l(basic_settings(), clock);
    const auto sent = go_live(l);
    ASSERT_EQ(sent.size(), 6u);
    EXPECT_EQ(sent[0], R"({"subscribe":"timeline"})");
    EXPECT_EQ(sent[1], R"({"subscribe":"scene"})");
    EXPECT_EQ(sent[2], R"({"request":"system","id":1})");
    EXPECT_EQ(sent[3], R"({"request":"temperature","id":2})");
    EXPECT_EQ(sent[4], R"({"request":"timeline","id":3})");
    EXPECT_EQ(sent[5], R"({"request":"scene","id":4})");
}

TEST_F(LinkTest, ReadsTheStateOfEverySubscribedChannelThatCanBeRequestedOnConnect) {
    auto s = basic_settings();
    s.channels = {"timeline", "beacon", "lua", "log", "content_target", "remote_device",
                  "io_module"};
    s.polls = {{"timeline", std::nullopt, "", ""}, {"content_target", 60s, R"({"x":1})", "ct"}};
    link l(s, clock);
    const auto sent = go_live(l);
    const std::vector<std::string> requests(sent.begin() + 7, sent.end());
    EXPECT_EQ(requests, (std::vector<std::string>{R"({"request":"timeline","id":1})",
                                                  R"({"request":"content_target","id":2,"x":1})",
                                                  R"({"request":"content_target","id":3})",
                                                  R"({"request":"remote_device","id":4})",
                                                  R"({"request":"io_module","id":5})"}))
        << "an unfiltered poll already reads timelines; beacon, lua and log cannot be read";
}

TEST_F(LinkTest, ReadsStateAgainOnEveryReconnect) {
    auto s = basic_settings();
    s.polls.clear();
    link l(s, clock);
    go_live(l);
    l.on_closed("dropped");
    clock.advance(60s);
    EXPECT_TRUE(has<open_socket>(l.on_timeout()));
    EXPECT_EQ(frames(l.on_opened()),
              (std::vector<std::string>{R"({"subscribe":"timeline"})", R"({"subscribe":"scene"})",
                                        R"({"request":"timeline","id":3})",
                                        R"({"request":"scene","id":4})"}));
}

TEST_F(LinkTest, AuthenticatesBeforeOpeningWhenCredentialsAreSet) {
    auto s = basic_settings();
    s.credentials = true;
    link l(s, clock);
    const auto& a = l.start();
    EXPECT_TRUE(has<authenticate>(a));
    EXPECT_FALSE(has<open_socket>(a));
    EXPECT_EQ(last_state(a), link_state::authenticating);
}

TEST_F(LinkTest, PutsTokenInEveryMessage) {
    auto s = basic_settings();
    s.credentials = true;
    link l(s, clock);
    for (const auto& f : go_live(l))
        EXPECT_NE(f.find(R"("token":"tok")"), std::string::npos) << f;
    clock.advance(10s);
    EXPECT_EQ(frames(l.on_timeout()), std::vector<std::string>{R"({"token":"tok"})"});
    const auto req = frames(l.request("project", "", 7));
    ASSERT_EQ(req.size(), 1u);
    EXPECT_NE(req[0].find(R"("token":"tok")"), std::string::npos);
}

TEST_F(LinkTest, AdoptsNewerTokenFromReplies) {
    auto s = basic_settings();
    s.credentials = true;
    link l(s, clock);
    go_live(l);
    l.on_text(R"({"request":"system","id":1,"data":{},"token":"fresh"})");
    EXPECT_EQ(l.token(), "fresh");
    clock.advance(10s);
    EXPECT_EQ(frames(l.on_timeout()).at(0), R"({"token":"fresh"})");
}

TEST_F(LinkTest, SendsKeepaliveEveryPeriod) {
    link l(basic_settings(), clock);
    go_live(l);
    EXPECT_EQ(l.next_deadline(), clock.now() + 10s);
    clock.advance(10s);
    EXPECT_EQ(frames(l.on_timeout()), std::vector<std::string>{"{}"});
}

TEST_F(LinkTest, ClosesAfterThreeSilentKeepalivePeriods) {
    link l(basic_settings(), clock);
    go_live(l);
    for (int i = 0; i < 2; ++i) {
        clock.advance(10s);
        EXPECT_FALSE(has<close_socket>(l.on_timeout()));
    }
    clock.advance(10s);
    const auto dead = l.on_timeout();
    const auto closes = all_of<close_socket>(dead);
    ASSERT_EQ(closes.size(), 1u);
    EXPECT_FALSE(closes[0].graceful) << "a dead peer never answers a close handshake";
    EXPECT_EQ(last_state(dead), link_state::backoff) << "offline as soon as death is declared";
    EXPECT_TRUE(l.on_closed("closed").empty()) << "the socket was already counted as gone";
    EXPECT_FALSE(has<open_socket>(l.on_timeout())) << "the replacement waits for the backoff";
    clock.advance(60s);
    EXPECT_TRUE(has<open_socket>(l.on_timeout()));
}

TEST_F(LinkTest, AnyFrameKeepsTheConnectionAlive) {
    link l(basic_settings(), clock);
    go_live(l);
    for (int i = 0; i < 10; ++i) {
        clock.advance(10s);
        l.on_text("{}");
        EXPECT_FALSE(has<close_socket>(l.on_timeout()));
    }
}

TEST_F(LinkTest, ReauthenticatesWhenSessionKeyIsAllZeros) {
    auto s = basic_settings();
    s.credentials = true;
    link l(s, clock);
    go_live(l);
    l.on_binary(key_a);
    const auto& expired = l.on_binary(zero_key);
    ASSERT_TRUE(has<close_socket>(expired));
    EXPECT_FALSE(has<open_socket>(expired)) << "the old socket must close before a new one opens";
    const auto& closed = l.on_closed("closed");
    EXPECT_TRUE(has<authenticate>(closed)) << "no backoff delay on session expiry";
    EXPECT_TRUE(has<open_socket>(l.on_authenticated("tok2")));
    const auto resent = frames(l.on_opened());
    EXPECT_EQ(resent.size(), 6u);
    EXPECT_NE(resent[0].find("tok2"), std::string::npos);
}

TEST_F(LinkTest, ResubscribesOnSameSocketWhenSessionKeyChanges) {
    auto s = basic_settings();
    s.credentials = true;
    link l(s, clock);
    go_live(l);
    EXPECT_TRUE(frames(l.on_binary(key_a)).empty());
    EXPECT_TRUE(frames(l.on_binary(key_a)).empty());
    l.on_text(R"({"request":"system","id":1,"data":{}})");
    l.on_text(R"({"request":"temperature","id":2,"data":{}})");
    const auto& restarted = l.on_binary(key_b);
    EXPECT_FALSE(has<close_socket>(restarted));
    EXPECT_EQ(frames(restarted).size(), 4u);
}

TEST_F(LinkTest, RedirectMeansAuthenticateAgain) {
    auto s = basic_settings();
    s.credentials = true;
    link l(s, clock);
    go_live(l);
    EXPECT_TRUE(has<close_socket>(l.on_text(R"({"redirect":"/login"})")));
    EXPECT_TRUE(has<authenticate>(l.on_closed("closed")));
}

TEST_F(LinkTest, WrongCredentialsWaitAtLeastAMinute) {
    auto s = basic_settings();
    s.credentials = true;
    link l(s, clock);
    l.start();
    const auto& failed = l.on_auth_rejected("credentials rejected");
    EXPECT_EQ(last_state(failed), link_state::auth_failed);
    ASSERT_TRUE(l.next_deadline());
    EXPECT_GE(*l.next_deadline() - clock.now(), 60s);
    clock.advance(59s);
    EXPECT_FALSE(has<authenticate>(l.on_timeout()));
    clock.advance(60s);
    EXPECT_TRUE(has<authenticate>(l.on_timeout()));
}

TEST_F(LinkTest, ReconnectDelaysGrowWithJitterWithinBounds) {
    auto s = basic_settings();
    s.reconnect_min = 500ms;
    s.reconnect_max = 4s;
    link l(s, clock);
    l.start();
    duration previous_cap = 0ms;
    for (int i = 0; i < 8; ++i) {
        l.on_closed("refused");
        const auto delay = *l.next_deadline() - clock.now();
        EXPECT_GE(delay, 500ms);
        EXPECT_LE(delay, 4s);
        previous_cap = std::max(previous_cap, std::chrono::duration_cast<duration>(delay));
        clock.advance(std::chrono::duration_cast<duration>(delay));
        EXPECT_TRUE(has<open_socket>(l.on_timeout()));
    }
    EXPECT_GE(previous_cap, 2s) << "delays should have grown towards the cap";
}

TEST_F(LinkTest, BackoffResetsAfterAMinuteOfHealthySession) {
    auto s = basic_settings();
    s.reconnect_min = 1s;
    s.reconnect_max = 60s;
    link l(s, clock);
    l.start();
    for (int i = 0; i < 5; ++i) {
        l.on_closed("refused");
        clock.advance(std::chrono::duration_cast<duration>(*l.next_deadline() - clock.now()));
        l.on_timeout();
    }
    l.on_opened();
    for (int i = 0; i < 7; ++i) {
        clock.advance(10s);
        l.on_text("{}");
        l.on_timeout();
    }
    l.on_closed("dropped");
    EXPECT_LE(*l.next_deadline() - clock.now(), 1s);
}

TEST_F(LinkTest, MatchesRepliesByIdAndReportsTopicAndTag) {
    auto s = basic_settings();
    s.polls = {{"output", std::nullopt, R"({"universe":"dmx:1"})", "output/dmx-1"}};
    link l(s, clock);
    go_live(l);
    const auto& a = l.on_text(R"({"request":"output","id":1,"data":{"channels":["0"]}})");
    const auto replies = all_of<request_reply>(a);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].topic, "output/dmx-1");
    EXPECT_EQ(replies[0].tag, 0u);
}

TEST_F(LinkTest, RepliesSayWhetherTheirRequestCarriedParameters) {
    auto s = basic_settings();
    s.polls = {};
    link l(s, clock);
    go_live(l);
    l.request("group", "", 1);
    l.request("group", R"({"num":"1-4"})", 2);
    l.request("group", " { } ", 3);
    const auto unfiltered = [&](std::string_view reply) {
        const auto replies = all_of<request_reply>(l.on_text(reply));
        EXPECT_EQ(replies.size(), 1u) << reply;
        return !replies.empty() && replies[0].unfiltered;
    };
    EXPECT_TRUE(unfiltered(R"({"request":"group","id":1,"data":{"groups":[]}})"));
    EXPECT_FALSE(unfiltered(R"({"request":"group","id":2,"data":{"groups":[]}})"));
    EXPECT_TRUE(unfiltered(R"({"request":"group","id":3,"data":{"groups":[]}})"));
    // Nothing pending: what was asked is unknown, so the list may be partial.
    EXPECT_FALSE(unfiltered(R"({"request":"group","data":{"groups":[]}})"));
}

TEST_F(LinkTest, OnDemandRequestTimesOut) {
    link l(basic_settings(), clock);
    go_live(l);
    l.request("project", "", 42);
    clock.advance(10s);
    const auto failures = all_of<request_failed>(l.on_timeout());
    ASSERT_GE(failures.size(), 1u);
    const auto it = std::find_if(failures.begin(), failures.end(),
                                 [](const auto& f) { return f.tag == 42; });
    ASSERT_NE(it, failures.end());
    EXPECT_EQ(it->request, "project");
}

TEST_F(LinkTest, OnDemandRequestWhileOfflineFailsAtOnce) {
    link l(basic_settings(), clock);
    const auto failures = all_of<request_failed>(l.request("project", "", 3));
    ASSERT_EQ(failures.size(), 1u);
    EXPECT_EQ(failures[0].error, "controller is offline");
}

TEST_F(LinkTest, ReplyDressedChannelMessageGoesToChannel) {
    auto s = basic_settings();
    s.channels = {"content_target"};
    link l(s, clock);
    go_live(l);
    const auto& a = l.on_text(
        R"({"request":"content_target","id":5,"data":{"content_targets":[{"name":"Primary","level":100}]}})");
    const auto messages = all_of<channel_message>(a);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].channel, "content_target");
}

TEST_F(LinkTest, BareDataIsClassifiedByInnerKeys) {
    link l(basic_settings(), clock);
    go_live(l);
    const auto messages = all_of<channel_message>(
        l.on_text(R"({"data":{"remote_devices":[{"num":1,"online":false}]}})"));
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].channel, "remote_device");
}

TEST_F(LinkTest, HyphenatedChannelNameIsCanonicalised) {
    link l(basic_settings(), clock);
    go_live(l);
    const auto messages =
        all_of<channel_message>(l.on_text(R"({"broadcast":"remote-device","data":{}})"));
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].channel, "remote_device");
}

TEST_F(LinkTest, GarbageIsRejectedWithoutChangingState) {
    link l(basic_settings(), clock);
    go_live(l);
    EXPECT_TRUE(has<frame_rejected>(l.on_text("not json")));
    EXPECT_TRUE(has<frame_rejected>(l.on_binary(key_a)));
    EXPECT_EQ(l.state(), link_state::live);
}

TEST_F(LinkTest, PeriodicPollIsNotResentWhileUnanswered) {
    auto s = basic_settings();
    s.request_timeout = 120s;
    link l(s, clock);
    go_live(l);
    l.on_text(R"({"request":"system","id":1,"data":{}})");
    clock.advance(60s);
    l.on_text("{}");
    const auto sent = frames(l.on_timeout());
    EXPECT_EQ(std::count_if(sent.begin(), sent.end(),
                            [](const auto& f) { return f.find("temperature") != f.npos; }),
              0);
}

TEST_F(LinkTest, PeriodicPollRepeats) {
    link l(basic_settings(), clock);
    go_live(l);
    l.on_text(R"({"request":"temperature","id":2,"data":{}})");
    clock.advance(60s);
    l.on_text("{}");
    const auto sent = frames(l.on_timeout());
    EXPECT_TRUE(std::any_of(sent.begin(), sent.end(),
                            [](const auto& f) { return f.find("temperature") != f.npos; }));
}

TEST_F(LinkTest, CountsReconnects) {
    link l(basic_settings(), clock);
    go_live(l);
    EXPECT_EQ(l.reconnects(), 0u);
    l.on_closed("dropped");
    clock.advance(60s);
    l.on_timeout();
    l.on_opened();
    EXPECT_EQ(l.reconnects(), 1u);
}

} // namespace
} // namespace mg::protocol
