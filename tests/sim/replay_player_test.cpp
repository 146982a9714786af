// The replay's controller side without sockets: recorded answers to the same requests, keep-alive
// answers in order, broadcasts timed from their subscription.

#include "gateway/sim/replay_player.hpp"

#include <gtest/gtest.h>

namespace mg::sim::replay {
namespace {

std::string line(double t, std::string_view event, std::string_view rest) {
    return R"({"t":)" + std::to_string(t) + R"(,"controller":"c","event":")" + std::string(event) +
           "\"" + (rest.empty() ? "" : ",") + std::string(rest) + "}\n";
}

std::string text_field(std::string_view json) {
    std::string escaped;
    for (const char c : json) {
        if (c == '"' || c == '\\')
            escaped += '\\';
        escaped += c;
    }
    return R"("text":")" + escaped + "\"";
}

player make_player(const std::string& capture_text) {
    const auto c = parse_capture(capture_text);
    EXPECT_TRUE(c.problems.empty());
    return player(build_script(c, "c"));
}

const std::string secured_session =
    line(0.0, "http_request", R"("method":"POST","path":"/authenticate","body":"x")") +
    line(
        0.0, "http_response",
        R"("method":"POST","path":"/authenticate","status":200,"body":"{\"token\":\"<token-1>\"}")") +
    line(0.1, "ws_open", R"("url":"ws://h/query")") +
    line(0.2, "ws_send", text_field(R"({"subscribe":"group","token":"<token-1>"})")) +
    line(0.3, "ws_send", text_field(R"({"request":"group","id":7,"token":"<token-1>"})")) +
    line(0.4, "ws_recv",
         text_field(R"({"request":"group","id":7,"data":{"groups":[{"num":1,"level":10}]}})")) +
    line(1.2, "ws_recv", text_field(R"({"broadcast":"group","data":{"num":1,"level":60}})")) +
    line(2.0, "ws_send", text_field(R"({"token":"<token-1>"})")) +
    line(2.1, "ws_recv", R"("session_key":"<session-key-1>","length":16)") +
    line(3.0, "ws_send", text_field(R"({"token":"<token-1>"})")) +
    line(3.1, "ws_recv", R"("hex":"00000000000000000000000000000000")") +
    line(3.2, "ws_close", R"("reason":"session expired")") +
    line(4.0, "http_request", R"("method":"POST","path":"/authenticate","body":"x")") +
    line(
        4.0, "http_response",
        R"("method":"POST","path":"/authenticate","status":200,"body":"{\"token\":\"<token-2>\"}")") +
    line(4.1, "ws_open", R"("url":"ws://h/query")") +
    line(4.2, "ws_send", text_field(R"({"token":"<token-2>"})")) +
    line(4.3, "ws_recv", R"("session_key":"<session-key-2>","length":16)") +
    line(4.5, "ws_send", text_field(R"({"request":"group","id":12,"token":"<token-2>"})")) +
    line(4.6, "ws_recv",
         text_field(R"({"request":"group","id":12,"data":{"groups":[{"num":1,"level":60}]}})")) +
    line(
        5.0, "http_request",
        R"("method":"POST","path":"/api/group","body":"{\"action\":\"master_intensity\",\"num\":1,\"level\":\"50:100\"}")") +
    line(5.1, "http_response", R"("method":"POST","path":"/api/group","status":204,"body":"")");

TEST(ReplayPlayer, AuthenticateAnswersAnyCredentialsAsRecordedWithItsOwnTokens) {
    auto p = make_player(secured_session);
    const auto first = p.answer_http("POST", "/authenticate", R"({"username":"x","password":"y"})");
    EXPECT_EQ(first.status, 200u);
    EXPECT_EQ(first.body, R"({"token":"replay-token-1"})");
    EXPECT_EQ(p.answer_http("POST", "/authenticate", "").body, R"({"token":"replay-token-2"})");
    EXPECT_EQ(p.answer_http("POST", "/authenticate", "").body, R"({"token":"replay-token-2"})")
        << "past the recording the last answer repeats";
}

// Firmware that refuses `username` and takes `user` (docs/protocol.md §2.2): a client that never
// tries `user` must not get the token the recorded one got with it.
TEST(ReplayPlayer, AuthenticateAnswersEachLoginShapeAsRecorded) {
    const auto capture =
        line(
            0.0, "http_request",
            R"("method":"POST","path":"/authenticate","body":"{\"username\":\"<username>\",\"password\":\"<password>\"}")") +
        line(0.1, "http_response",
             R"("method":"POST","path":"/authenticate","status":400,"body":"")") +
        line(
            0.2, "http_request",
            R"("method":"POST","path":"/authenticate","body":"{\"user\":\"<username>\",\"password\":\"<password>\"}")") +
        line(
            0.3, "http_response",
            R"("method":"POST","path":"/authenticate","status":200,"body":"{\"token\":\"<token-1>\"}")");
    auto p = make_player(capture);
    EXPECT_EQ(p.answer_http("POST", "/authenticate", R"({"username":"a","password":"b"})").status,
              400u);
    EXPECT_EQ(p.answer_http("POST", "/authenticate", R"({"password":"b","username":"a"})").status,
              400u)
        << "the same shape again gets its own answer, not the next one recorded";
    const auto user = p.answer_http("POST", "/authenticate", R"({"user":"a","password":"b"})");
    EXPECT_EQ(user.status, 200u);
    EXPECT_EQ(user.body, R"({"token":"replay-token-1"})");
}

TEST(ReplayPlayer, AnswersTheSameRequestWithTheRecordedReplyInOrderCarryingTheClientsId) {
    auto p = make_player(secured_session);
    const auto c = p.open_connection();
    // Members in another order, another id and token: still the same request.
    auto r = p.on_text(c, R"({"token":"replay-token-1","id":99,"request":"group"})");
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(r.reply->data,
              R"({"request":"group","data":{"groups":[{"num":1,"level":10}]},"id":99})");
    r = p.on_text(c, R"({"request":"group","id":100})");
    ASSERT_TRUE(r.reply);
    EXPECT_NE(r.reply->data.find(R"("level":60)"), std::string::npos);
    EXPECT_NE(r.reply->data.find(R"("id":100)"), std::string::npos);
    EXPECT_FALSE(p.on_text(c, R"({"request":"system","id":101})").reply);
    const auto notes = p.take_notes();
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_NE(notes[0].find("system"), std::string::npos);
}

TEST(ReplayPlayer, SendsBroadcastsTimedFromTheMatchingSubscription) {
    auto p = make_player(secured_session);
    const auto c = p.open_connection();
    EXPECT_TRUE(p.on_text(c, R"({"subscribe":"timeline"})").scheduled.empty());
    const auto r = p.on_text(c, R"({"subscribe":"group","token":"replay-token-1"})");
    ASSERT_EQ(r.scheduled.size(), 1u);
    EXPECT_NEAR(r.scheduled[0].delay, 1.0, 1e-9);
    EXPECT_EQ(r.scheduled[0].f.data, R"({"broadcast":"group","data":{"num":1,"level":60}})");
    EXPECT_TRUE(p.on_text(c, R"({"subscribe":"group"})").scheduled.empty())
        << "a second subscription on the connection was not recorded";
    const auto second = p.open_connection();
    EXPECT_TRUE(p.on_text(second, R"({"subscribe":"group"})").scheduled.empty())
        << "the second connection had no group broadcasts";
}

TEST(ReplayPlayer, AnswersKeepAlivesWithTheRecordedKeysInOrderSoAnExpiryHappensAgain) {
    auto p = make_player(secured_session);
    const auto c = p.open_connection();
    const auto key1 = p.on_text(c, R"({"token":"replay-token-1"})").reply;
    const auto expired = p.on_text(c, R"({"token":"replay-token-1"})").reply;
    const auto key2 = p.on_text(c, "{}").reply;
    const auto after = p.on_text(c, "{}").reply;
    ASSERT_TRUE(key1 && expired && key2 && after);
    EXPECT_TRUE(key1->binary);
    EXPECT_EQ(expired->data, std::string(16, '\0'));
    EXPECT_NE(key1->data, key2->data) << "a changed key (a restart) stays a change";
    EXPECT_EQ(after->data, key2->data) << "past the recording the last live key repeats";
}

TEST(ReplayPlayer, AnswersHttpCallsWithTheRecordedStatusAndSaysWhatItHasNot) {
    auto p = make_player(secured_session);
    const auto r = p.answer_http("POST", "/api/group",
                                 R"({"level":"50:100","num":1,"action":"master_intensity"})");
    EXPECT_EQ(r.status, 204u);
    EXPECT_EQ(p.answer_http("POST", "/api/scene", R"({"action":"start","num":1})").status, 404u);
    EXPECT_EQ(p.take_notes().size(), 1u);
}

TEST(ReplayPlayer, ReplacesTokenPlaceholdersOnly) {
    EXPECT_EQ(with_own_tokens(R"({"token":"<token-12>","x":"<token->","y":"<token-3"})"),
              R"({"token":"replay-token-12","x":"<token->","y":"<token-3"})");
}

TEST(ReplayScript, ABroadcastShapedAsARequestWithoutAPendingIdIsABroadcast) {
    const auto c = parse_capture(
        line(0, "ws_open", "") +
        line(0.1, "ws_send", text_field(R"({"subscribe":"content_target"})")) +
        line(0.5, "ws_recv",
             text_field(R"({"request":"content_target","id":5,"data":{"content_targets":[]}})")));
    const auto s = build_script(c, "c");
    ASSERT_EQ(s.connections.size(), 1u);
    const auto& lists = s.connections[0].after_subscribe.at("content_target");
    ASSERT_EQ(lists.size(), 1u);
    ASSERT_EQ(lists[0].size(), 1u);
    EXPECT_NEAR(lists[0][0].delay, 0.4, 1e-9);
}

TEST(ReplayScript, NamesAnUnknownControllerAndAFrameOutsideAConnection) {
    const auto c = parse_capture(line(0.1, "ws_recv", text_field("{}")));
    EXPECT_THROW(build_script(c, "other"), std::invalid_argument);
    const auto s = build_script(c, "c");
    ASSERT_EQ(s.problems.size(), 1u);
    EXPECT_EQ(s.problems[0].line, 1u);
}

} // namespace
} // namespace mg::sim::replay
