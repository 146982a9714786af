// Exactly one answer (README "Commands"): every MQTT 5 /get or command with a response topic
// gets exactly one message there with its correlation data, whatever becomes of it; work
// waiting per controller is bounded, beyond it `busy` at once.

#include "gateway/features/answers.hpp"
#include "gateway/features/control.hpp"
#include "gateway/features/on_demand.hpp"
#include "gateway/protocol/json_limits.hpp"
#include "tests/support/fake_controller.hpp"
#include "tests/support/recording_sink.hpp"

#include <gtest/gtest.h>
#include <map>

namespace mg::features {
namespace {

const std::string C = "mosaic/hotel/lobby";

class Answers : public ::testing::Test {
protected:
    Answers() {
        gets.start();
        commands.start();
        gets.on_controller_added(lobby, {});
        commands.on_controller_added(lobby, {});
    }

    // How many messages each correlation got on the response topic.
    std::map<std::string, int> answered() const {
        std::map<std::string, int> count;
        for (const auto& e : sink.events_on("reply/here"))
            ++count[e.correlation_data];
        return count;
    }

    void expect_each_answered_once(int n) const {
        const auto count = answered();
        EXPECT_EQ(count.size(), static_cast<std::size_t>(n));
        for (const auto& [correlation, times] : count)
            EXPECT_EQ(times, 1) << correlation;
    }

    void reply_to_every_request() {
        rapidjson::Document data;
        data.Parse(R"({"serial_number":"1"})");
        for (const auto& r : std::exchange(lobby.requests, {}))
            gets.on_event(lobby, protocol::request_reply{"system", "system", data, r.tag, true});
    }

    void finish_every_command() {
        for (const auto& c : std::exchange(lobby.commands, {}))
            commands.on_event(
                lobby, protocol::command_result{c.tag, protocol::command_outcome::ok, 204, {}, {}});
    }

    test::recording_sink sink;
    topic_scheme topics{"mosaic", "hotel"};
    answers replies{sink, topics};
    test::fake_controller lobby{"lobby"};
    on_demand gets{sink, topics, replies};
    control commands{sink, topics, replies};
};

TEST_F(Answers, AFloodOfGetsGetsOneAnswerEachBusyBeyondTheBound) {
    for (int i = 0; i < 50; ++i)
        sink.deliver({C + "/system/get", "", "reply/here", "g" + std::to_string(i)});
    EXPECT_EQ(lobby.requests.size(), answers::max_waiting);
    EXPECT_EQ(sink.events_on(C + "/error").size(), 50 - answers::max_waiting);
    reply_to_every_request();
    expect_each_answered_once(50);
}

TEST_F(Answers, AFloodOfCommandsGetsOneAnswerEachBusyBeyondTheBound) {
    for (int i = 0; i < 50; ++i)
        sink.deliver({C + "/scene/1/set", "start", "reply/here", "c" + std::to_string(i)});
    EXPECT_EQ(lobby.commands.size(), answers::max_waiting);
    const auto busy = sink.events_on(C + "/error");
    ASSERT_EQ(busy.size(), 50 - answers::max_waiting);
    EXPECT_NE(busy[0].payload.find(R"("error":"busy")"), std::string::npos);
    finish_every_command();
    expect_each_answered_once(50);
    sink.deliver({C + "/scene/1/set", "start", "reply/here", "later"});
    EXPECT_EQ(lobby.commands.size(), 1u) << "room again once answered";
}

TEST_F(Answers, GetsAndCommandsAreBoundedApart) {
    for (int i = 0; i < 20; ++i)
        sink.deliver({C + "/system/get", "", "reply/here", "g" + std::to_string(i)});
    sink.deliver({C + "/scene/1/set", "start", "reply/here", "c"});
    EXPECT_EQ(lobby.commands.size(), 1u) << "a get flood does not lock out commands";
}

TEST_F(Answers, WorkWaitingWhenTheControllerGoesIsAnsweredOnce) {
    for (int i = 0; i < 3; ++i) {
        sink.deliver({C + "/system/get", "", "reply/here", "g" + std::to_string(i)});
        sink.deliver({C + "/scene/1/set", "start", "reply/here", "c" + std::to_string(i)});
    }
    gets.on_controller_removed(lobby);
    commands.on_controller_removed(lobby);
    expect_each_answered_once(6);
    // A reply that still comes finds nobody waiting.
    reply_to_every_request();
    finish_every_command();
    expect_each_answered_once(6);
}

TEST_F(Answers, AGetOrCommandCutOffByTheGateIsAnsweredInvalidPayload) {
    mqtt::inbound_message get{C + "/system/get", "", "reply/here", "g", false};
    get.oversize = 1 << 20;
    sink.deliver(get);
    mqtt::inbound_message set{C + "/scene/1/set", "", "reply/here", "c", false};
    set.oversize = 5000;
    sink.deliver(set);
    EXPECT_TRUE(lobby.requests.empty());
    EXPECT_TRUE(lobby.commands.empty());
    expect_each_answered_once(2);
    for (const auto& e : sink.events_on("reply/here"))
        EXPECT_NE(e.payload.find(R"("error":"invalid_payload")"), std::string::npos) << e.payload;
}

TEST_F(Answers, GetAndSetTopicsAcceptNoMoreThanTheirBound) {
    EXPECT_EQ(sink.limits.at("mosaic/hotel/+/+/get"), protocol::max_payload_bytes);
    EXPECT_EQ(sink.limits.at(C + "/+/set"), protocol::max_payload_bytes);
}

} // namespace
} // namespace mg::features
