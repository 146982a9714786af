#include "gateway/features/control.hpp"
#include "tests/support/captured_log.hpp"
#include "tests/support/fake_controller.hpp"
#include "tests/support/recording_sink.hpp"

#include <gtest/gtest.h>

namespace mg::features {
namespace {

using namespace std::chrono_literals;

const std::string C = "mosaic/hotel/lobby";

class Control : public ::testing::Test {
protected:
    Control() {
        feature.start();
        feature.on_controller_added(lobby, {});
        controller_context read_only;
        read_only.read_only = true;
        feature.on_controller_added(ballroom, read_only);
    }

    mqtt::inbound_message message(std::string topic, std::string payload,
                                  std::string response_topic = {}, std::string correlation = {},
                                  bool retained = false) {
        return {std::move(topic), std::move(payload), std::move(response_topic),
                std::move(correlation), retained};
    }

    void finish(std::size_t index, protocol::command_outcome outcome, unsigned status = 204,
                std::string_view detail = {}) {
        ASSERT_LT(index, lobby.commands.size());
        feature.on_event(lobby, protocol::command_result{lobby.commands[index].tag, outcome, status,
                                                         detail, std::chrono::milliseconds(12)});
    }

    void see(std::string_view channel, const char* json) {
        rapidjson::Document doc;
        doc.Parse(json);
        feature.on_event(lobby, protocol::channel_message{channel, doc});
    }

    test::recording_sink sink;
    topic_scheme topics{"mosaic", "hotel"};
    test::fake_controller lobby{"lobby"};
    test::fake_controller ballroom{"ballroom"};
    answers replies{sink, topics};
    control feature{sink, topics, replies};
};

TEST_F(Control, SubscribesCommandTopicsOnlyOfControllersThatTakeCommands) {
    ASSERT_EQ(sink.subscriptions.size(), 2u);
    EXPECT_EQ(sink.subscriptions[0].first, C + "/+/set");
    EXPECT_EQ(sink.subscriptions[1].first, C + "/+/+/set");
}

TEST_F(Control, CommandBecomesOneCallAndOkGoesToTheResponseTopic) {
    sink.deliver(message(C + "/timeline/3/set", "start", "reply/here", "abc"));
    ASSERT_EQ(lobby.commands.size(), 1u);
    EXPECT_EQ(lobby.commands[0].call,
              (protocol::http_call{"POST", "/api/timeline", R"({"action":"start","num":3})"}));
    EXPECT_TRUE(sink.events.empty()); // nothing before the outcome
    finish(0, protocol::command_outcome::ok);
    const auto answers = sink.events_on("reply/here");
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].payload, R"({"ok":true})");
    EXPECT_EQ(answers[0].correlation_data, "abc");
    EXPECT_TRUE(sink.events_on(C + "/error").empty());
    // Answered once only.
    finish(0, protocol::command_outcome::failed, 0, "late");
    EXPECT_EQ(sink.events.size(), 1u);
}

TEST_F(Control, OkWithoutResponseTopicPublishesNothing) {
    sink.deliver(message(C + "/scene/1/set", "ON"));
    finish(0, protocol::command_outcome::ok);
    EXPECT_TRUE(sink.events.empty());
}

TEST_F(Control, RejectedCarriesTheControllersStatusAndBody) {
    sink.deliver(message(C + "/group/1/set", "40", "reply/here", "c1"));
    finish(0, protocol::command_outcome::rejected, 400, R"({"error":"no such group"})");
    const auto expected =
        R"({"error":"rejected","topic":"mosaic/hotel/lobby/group/1/set","detail":"HTTP 400: {\"error\":\"no such group\"}"})";
    const auto errors = sink.events_on(C + "/error");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].payload, expected);
    const auto answers = sink.events_on("reply/here");
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].payload, expected);
    EXPECT_EQ(answers[0].correlation_data, "c1");
}

TEST_F(Control, EveryOtherOutcomeIsReportedByItsWord) {
    for (const auto outcome :
         {protocol::command_outcome::failed, protocol::command_outcome::expired,
          protocol::command_outcome::no_budget}) {
        sink.events.clear();
        sink.deliver(message(C + "/beacon/set", "toggle"));
        finish(lobby.commands.size() - 1, outcome, 0, "why");
        const auto errors = sink.events_on(C + "/error");
        ASSERT_EQ(errors.size(), 1u);
        EXPECT_EQ(errors[0].payload,
                  R"({"error":")" + std::string(protocol::to_string(outcome)) +
                      R"(","topic":"mosaic/hotel/lobby/beacon/set","detail":"why"})");
    }
}

TEST_F(Control, InvalidPayloadIsRefusedBeforeAnyCall) {
    sink.deliver(message(C + "/group/1/set", "150", "reply/here", "x"));
    EXPECT_TRUE(lobby.commands.empty());
    const auto errors = sink.events_on(C + "/error");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(
        errors[0].payload,
        R"({"error":"invalid_payload","topic":"mosaic/hotel/lobby/group/1/set","detail":"level must be 0-100"})");
    EXPECT_EQ(sink.events_on("reply/here").size(), 1u);
}

TEST_F(Control, RetainedCommandIsIgnoredWithAnError) {
    sink.deliver(message(C + "/timeline/1/set", "start", "", "", true));
    EXPECT_TRUE(lobby.commands.empty());
    const auto errors = sink.events_on(C + "/error");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].payload.find(R"("error":"retained")"), std::string::npos);
}

TEST_F(Control, OnRestoresTheLastNonZeroLevelSeen) {
    see("group", R"({"num":4,"level":55,"name":"Group 4"})");
    see("group", R"({"num":4,"level":0,"name":"Group 4"})");
    sink.deliver(message(C + "/group/4/set", "ON"));
    ASSERT_EQ(lobby.commands.size(), 1u);
    EXPECT_EQ(lobby.commands[0].call.body,
              R"({"action":"master_intensity","num":4,"level":"55:100"})");
}

TEST_F(Control, BeaconAlreadyInTheWantedStateIsOkWithoutACall) {
    see("beacon", R"({"on":true})");
    sink.deliver(message(C + "/beacon/set", "ON", "reply/here", "b"));
    EXPECT_TRUE(lobby.commands.empty());
    const auto answers = sink.events_on("reply/here");
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].payload, R"({"ok":true})");
    sink.deliver(message(C + "/beacon/set", "OFF"));
    ASSERT_EQ(lobby.commands.size(), 1u);
    EXPECT_EQ(lobby.commands[0].call, (protocol::http_call{"POST", "/api/beacon", ""}));
}

TEST_F(Control, RemovedControllerLosesItsTopicsAndItsCommandsAreAnswered) {
    sink.deliver(message(C + "/timeline/1/set", "start", "reply/here", "r"));
    feature.on_controller_removed(lobby);
    EXPECT_TRUE(sink.subscriptions.empty());
    const auto errors = sink.events_on(C + "/error");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].payload.find(R"("error":"failed")"), std::string::npos);
    EXPECT_EQ(sink.events_on("reply/here").size(), 1u);
}

TEST_F(Control, EveryCommandIsLoggedWithTopicActionOutcomeAndTime) {
    test::captured_log log;
    sink.deliver(message(C + "/timeline/2/set", "ON"));
    finish(0, protocol::command_outcome::ok);
    sink.deliver(message(C + "/timeline/2/set", "jump"));
    EXPECT_EQ(log.count("lobby: command mosaic/hotel/lobby/timeline/2/set (start): ok in 12 ms"),
              1u);
    EXPECT_EQ(log.count("lobby: command mosaic/hotel/lobby/timeline/2/set (-): invalid_payload in "
                        "0 ms: unknown timeline action 'jump'"),
              1u);
}

} // namespace
} // namespace mg::features
