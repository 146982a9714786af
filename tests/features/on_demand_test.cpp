#include "gateway/features/on_demand.hpp"

#include "gateway/features/state_topics.hpp"
#include "tests/support/link_driver.hpp"
#include "tests/support/recording_sink.hpp"

#include <gtest/gtest.h>

namespace mg::features {
namespace {

using namespace std::chrono_literals;

const std::string C = "mosaic/hotel/lobby";
// The link requests no state of its own here, so the ids of on-demand requests start at 1.
const std::vector<std::string> no_channels;

class OnDemand : public ::testing::Test {
protected:
    OnDemand() {
        feature.start();
        state.start();
    }

    // Routes the controller's requests back into the link, as the session does.
    void pump(test::link_driver& driver) {
        auto requests = std::move(driver.controller.requests);
        driver.controller.requests.clear();
        for (const auto& r : requests)
            driver.request(r.name, r.params_json, r.tag);
    }

    test::recording_sink sink;
    topic_scheme topics{"mosaic", "hotel"};
    answers replies{sink, topics};
    on_demand feature{sink, topics, replies};
    state_topics state{sink, topics};
};

TEST_F(OnDemand, SubscribesToGetTopicsOfTheSite) {
    ASSERT_EQ(sink.subscriptions.size(), 1u);
    EXPECT_EQ(sink.subscriptions[0].first, "mosaic/hotel/+/+/get");
}

TEST_F(OnDemand, SendsRequestWithParametersAndAnswersOnResponseTopic) {
    test::link_driver driver({&feature, &state}, {}, no_channels);
    sink.deliver({C + "/output/get", R"({"universe":"dmx:2"})", "reply/here", "abc"});
    pump(driver);
    ASSERT_FALSE(driver.sent.empty());
    EXPECT_EQ(driver.sent.back(), R"({"request":"output","id":1,"universe":"dmx:2"})");
    driver.text(R"({"request":"output","id":1,"data":{"channels":["1"]}})");
    EXPECT_EQ(sink.states.at(C + "/output"), R"({"channels":["1"]})");
    const auto answers = sink.events_on("reply/here");
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].payload, R"({"channels":["1"]})");
    EXPECT_EQ(answers[0].correlation_data, "abc");
}

TEST_F(OnDemand, EmptyPayloadSendsPlainRequest) {
    test::link_driver driver({&feature, &state}, {}, no_channels);
    sink.deliver({C + "/system/get", "", "", ""});
    pump(driver);
    EXPECT_EQ(driver.sent.back(), R"({"request":"system","id":1})");
}

TEST_F(OnDemand, UnknownRequestIsAnsweredOnErrorTopic) {
    test::link_driver driver({&feature, &state}, {}, no_channels);
    sink.deliver({C + "/bogus/get", "", "reply/here", "x"});
    EXPECT_TRUE(driver.controller.requests.empty());
    const auto errors = sink.events_on(C + "/error");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].payload,
              R"({"error":"unknown_request","topic":"mosaic/hotel/lobby/bogus/get","detail":"no request named 'bogus'"})");
    EXPECT_EQ(sink.events_on("reply/here").size(), 1u);
}

TEST_F(OnDemand, InvalidJsonPayloadIsRefused) {
    test::link_driver driver({&feature, &state}, {}, no_channels);
    sink.deliver({C + "/system/get", "{not json", "", ""});
    EXPECT_TRUE(driver.controller.requests.empty());
    const auto errors = sink.events_on(C + "/error");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].payload.find("invalid_payload"), std::string::npos);
}

TEST_F(OnDemand, TimeoutIsReported) {
    test::link_driver driver({&feature, &state}, {}, no_channels);
    sink.deliver({C + "/project/get", "", "", ""});
    pump(driver);
    driver.advance(10s);
    const auto errors = sink.events_on(C + "/error");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].payload.find(R"("error":"timeout")"), std::string::npos);
}

TEST_F(OnDemand, OfflineControllerIsReported) {
    test::link_driver driver({&feature, &state}, {}, no_channels);
    driver.close();
    sink.deliver({C + "/project/get", "", "", ""});
    pump(driver);
    const auto errors = sink.events_on(C + "/error");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].payload.find(R"("error":"offline")"), std::string::npos);
}

TEST_F(OnDemand, AnExplicitGetIsPublishedEvenWhenTheReplyDidNotChange) {
    test::link_driver driver({&feature, &state}, {}, no_channels);
    for (int i = 1; i <= 2; ++i) {
        sink.deliver({C + "/system/get", "", "", ""});
        pump(driver);
        driver.text(R"({"request":"system","id":)" + std::to_string(i) +
                    R"(,"data":{"serial_number":"030208"}})");
    }
    EXPECT_EQ(sink.state_publishes.at(C + "/system"), 2);
}

struct refused_case {
    const char* name;
    std::string payload;
};

class OnDemandRefuses : public OnDemand, public ::testing::WithParamInterface<refused_case> {};

TEST_P(OnDemandRefuses, HostileParametersBeforeAnythingIsSent) {
    test::link_driver driver({&feature, &state}, {}, no_channels);
    const auto sent_before = driver.sent.size();
    sink.deliver({C + "/system/get", GetParam().payload, "reply/here", "c"});
    pump(driver);
    EXPECT_TRUE(driver.controller.requests.empty());
    EXPECT_EQ(driver.sent.size(), sent_before);
    const auto errors = sink.events_on(C + "/error");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].payload.find(R"("error":"invalid_payload")"), std::string::npos);
    EXPECT_EQ(sink.events_on("reply/here").size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Payloads, OnDemandRefuses,
    ::testing::Values(refused_case{"subscribe", R"({"subscribe":"log"})"},
                      refused_case{"broadcast", R"({"broadcast":"timeline"})"},
                      refused_case{"token", R"({"token":"stolen"})"},
                      refused_case{"id", R"({"id":1})"},
                      refused_case{"oversized", R"({"num":")" + std::string(5000, '1') + "\"}"},
                      refused_case{"deep", std::string(200000, '[') + std::string(200000, ']')},
                      refused_case{"too_deep_object",
                                   R"({"a":)" + std::string(40, '[') + std::string(40, ']') + "}"},
                      refused_case{"array", "[1,2]"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(OnDemand, ManyGetsAtOnceAreAnsweredBusyBeyondTheBound) {
    test::link_driver driver({&feature, &state}, {}, no_channels);
    for (int i = 0; i < 20; ++i)
        sink.deliver({C + "/system/get", "", "", ""});
    EXPECT_EQ(driver.controller.requests.size(), static_cast<std::size_t>(on_demand::max_waiting));
    const auto errors = sink.events_on(C + "/error");
    ASSERT_EQ(errors.size(), 20u - on_demand::max_waiting);
    EXPECT_NE(errors[0].payload.find(R"("error":"busy")"), std::string::npos);
    pump(driver);
    driver.advance(10s); // all time out: room again
    sink.deliver({C + "/system/get", "", "", ""});
    EXPECT_EQ(driver.controller.requests.size(), 1u);
}

TEST_F(OnDemand, OtherControllersTopicsAreIgnored) {
    test::link_driver driver({&feature, &state}, {}, no_channels);
    sink.deliver({"mosaic/hotel/cellar/system/get", "", "", ""});
    EXPECT_TRUE(driver.controller.requests.empty());
    EXPECT_TRUE(sink.events.empty());
}

} // namespace
} // namespace mg::features
