// Reading a capture file: every documented event, and what the replay cannot play named by line.

#include "gateway/sim/replay_capture.hpp"

#include <gtest/gtest.h>

namespace mg::sim::replay {
namespace {

TEST(ReplayCapture, ReadsEveryDocumentedEvent) {
    const auto c = parse_capture(
        R"({"t":0.001,"controller":"lobby","event":"http_request","method":"POST","path":"/authenticate","body":"{\"username\":\"<username>\",\"password\":\"<password>\"}"})"
        "\n"
        R"({"t":0.004,"controller":"lobby","event":"http_response","method":"POST","path":"/authenticate","status":200,"body":"{\"token\":\"<token-1>\"}"})"
        "\n"
        R"({"t":0.010,"controller":"lobby","event":"ws_open","url":"wss://10.0.0.1/query"})"
        "\n"
        R"({"t":0.011,"controller":"lobby","event":"ws_send","text":"{\"token\":\"<token-1>\"}"})"
        "\n"
        R"({"t":0.012,"controller":"lobby","event":"ws_recv","session_key":"<session-key-1>","length":16})"
        "\n"
        R"({"t":0.013,"controller":"lobby","event":"ws_recv","hex":"0000"})"
        "\n"
        R"({"t":1.5,"controller":"lobby","event":"ws_close","reason":"session expired"})"
        "\n"
        R"({"t":2,"controller":"lobby","event":"capture_stopped","reason":"size limit"})"
        "\n");
    ASSERT_TRUE(c.problems.empty()) << c.problems.front().message;
    ASSERT_EQ(c.events.size(), 8u);
    EXPECT_EQ(c.events[0].kind, event_kind::http_request);
    EXPECT_EQ(c.events[0].path, "/authenticate");
    EXPECT_EQ(c.events[1].status, 200u);
    EXPECT_EQ(c.events[1].body, R"({"token":"<token-1>"})");
    EXPECT_EQ(c.events[2].url, "wss://10.0.0.1/query");
    EXPECT_EQ(c.events[3].data, R"({"token":"<token-1>"})");
    EXPECT_FALSE(c.events[3].binary);
    EXPECT_TRUE(c.events[4].binary);
    EXPECT_EQ(c.events[4].data.size(), 16u);
    EXPECT_EQ(c.events[4].data.find('\0'), std::string::npos) << "a key must not read as expiry";
    EXPECT_EQ(c.events[5].data, std::string(2, '\0'));
    EXPECT_EQ(c.events[6].reason, "session expired");
    EXPECT_EQ(c.events[7].kind, event_kind::capture_stopped);
    EXPECT_DOUBLE_EQ(c.events[6].t, 1.5);
    EXPECT_EQ(c.events[6].line, 7u);
}

TEST(ReplayCapture, SameSessionKeyPlaceholderGivesTheSameBytesAndAChangeStaysAChange) {
    EXPECT_EQ(session_key_bytes("<session-key-1>", 16), session_key_bytes("<session-key-1>", 16));
    EXPECT_NE(session_key_bytes("<session-key-1>", 16), session_key_bytes("<session-key-2>", 16));
}

TEST(ReplayCapture, NamesTheLineOfWhatItSkips) {
    const auto c = parse_capture(
        "not json\n"
        R"({"t":1,"controller":"a","event":"ws_teleport"})"
        "\n\n"
        R"({"t":1,"controller":"a","event":"ws_recv","hex":"zz"})"
        "\n"
        R"({"controller":"a","event":"ws_open"})"
        "\n"
        R"({"t":1,"controller":"a","event":"ws_recv","session_key":"<session-key-1>"})"
        "\n"
        R"({"t":1,"event":"ws_open"})"
        "\n"
        R"({"t":1,"controller":"a","event":"ws_open","url":"ws://x/query"})");
    ASSERT_EQ(c.events.size(), 1u);
    EXPECT_EQ(c.events[0].line, 8u);
    ASSERT_EQ(c.problems.size(), 6u);
    EXPECT_EQ(c.problems[0].line, 1u);
    EXPECT_EQ(c.problems[1].line, 2u);
    EXPECT_NE(c.problems[1].message.find("ws_teleport"), std::string::npos);
    EXPECT_EQ(c.problems[2].line, 4u);
    EXPECT_EQ(c.problems[3].line, 5u);
    EXPECT_EQ(c.problems[4].line, 6u);
    EXPECT_EQ(c.problems[5].line, 7u);
}

TEST(ReplayCapture, ListsControllersInOrderOfFirstAppearance) {
    const auto c = parse_capture(R"({"t":0,"controller":"b","event":"ws_open"})"
                                 "\n"
                                 R"({"t":0,"controller":"a","event":"ws_open"})"
                                 "\n"
                                 R"({"t":0,"controller":"b","event":"ws_close"})");
    EXPECT_EQ(controller_names(c), (std::vector<std::string>{"b", "a"}));
}

} // namespace
} // namespace mg::sim::replay
