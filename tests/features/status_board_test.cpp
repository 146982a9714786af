#include "gateway/features/status_board.hpp"
#include "tests/support/fake_controller.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace mg::features {
namespace {

using protocol::link_state;

class StatusBoard : public ::testing::Test {
protected:
    StatusBoard() { board.on_controller_added(lobby, {}); }

    void state(link_state s, std::string_view error = {}, std::uint64_t reconnects = 0) {
        board.on_event(lobby, protocol::state_changed{s, error, reconnects});
    }
    void reply(std::string_view request, const char* json) {
        rapidjson::Document data;
        data.Parse(json);
        board.on_event(lobby, protocol::request_reply{request, request, data, 0, true});
    }
    std::vector<std::string> texts() const {
        std::vector<std::string> out;
        for (const auto& e : board.events())
            out.push_back(e.text);
        return out;
    }

    test::fake_controller lobby{"lobby"};
    status_board board;
};

TEST_F(StatusBoard, ConnectsDropsAndAuthenticationFailuresAreEvents) {
    state(link_state::connecting);
    state(link_state::live);
    state(link_state::backoff, "keep-alive: no frame for 3 periods");
    state(link_state::authenticating);
    state(link_state::auth_failed, "authentication refused: HTTP 401");
    const std::vector<std::string> expected{
        "connected", "connection lost: keep-alive: no frame for 3 periods",
        "authentication failed: authentication refused: HTTP 401"};
    EXPECT_EQ(texts(), expected);
    EXPECT_EQ(board.events().front().controller, "lobby");
    EXPECT_EQ(board.of("lobby").state, "auth_failed");
    EXPECT_EQ(board.of("lobby").last_error, "authentication refused: HTTP 401");
    EXPECT_FALSE(board.of("lobby").since.empty());
}

TEST_F(StatusBoard, RetriesFailingTheSameWayAreOneEvent) {
    for (int i = 0; i < 5; ++i) {
        state(link_state::connecting);
        state(link_state::backoff, "connect: Connection refused");
    }
    state(link_state::connecting);
    state(link_state::backoff, "resolve: Host not found");
    const std::vector<std::string> expected{"cannot connect: connect: Connection refused",
                                            "cannot connect: resolve: Host not found"};
    EXPECT_EQ(texts(), expected);
}

TEST_F(StatusBoard, CommandsAreEventsWithTheirOutcome) {
    using namespace std::chrono_literals;
    board.on_event(lobby,
                   protocol::command_result{1, protocol::command_outcome::ok, 200, {}, 35ms});
    board.on_event(lobby, protocol::command_result{2, protocol::command_outcome::rejected, 400,
                                                   "unknown action", 12ms});
    const std::vector<std::string> expected{"command ok in 35 ms",
                                            "command rejected in 12 ms: HTTP 400: unknown action"};
    EXPECT_EQ(texts(), expected);
}

TEST_F(StatusBoard, LearnsSerialFirmwareAndProjectFromReplies) {
    reply("system",
          R"({"serial_number":"030208","firmware_version":"2.15.0","hardware_type":"VLC"})");
    reply("project", R"({"name":"Hotel\nEast","author":"x"})");
    reply("system", R"({"memory_total":"1 KB"})"); // a reply without them changes nothing
    EXPECT_EQ(board.of("lobby").serial, "030208");
    EXPECT_EQ(board.of("lobby").firmware, "2.15.0");
    EXPECT_EQ(board.of("lobby").project, "Hotel East"); // no control characters on the page
}

TEST_F(StatusBoard, KeepsTheLastHundredEvents) {
    for (int i = 0; i < 150; ++i)
        board.note({}, "event " + std::to_string(i));
    ASSERT_EQ(board.events().size(), status_board::max_events);
    EXPECT_EQ(board.events().front().text, "event 50");
    EXPECT_EQ(board.events().back().text, "event 149");
    EXPECT_TRUE(board.events().back().controller.empty());
}

TEST_F(StatusBoard, ARemovedControllerIsForgotten) {
    reply("system", R"({"serial_number":"030208"})");
    board.on_controller_removed(lobby);
    EXPECT_TRUE(board.of("lobby").serial.empty());
    state(link_state::live); // late events of a removed controller are ignored
    EXPECT_TRUE(board.events().empty());
}

} // namespace
} // namespace mg::features
