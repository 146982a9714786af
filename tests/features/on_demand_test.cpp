#include "gateway/features/on_demand.hpp"

#include "gateway/features/state_topics.hpp"
#include "tests/support/link_driver.hpp"
#include "tests/support/recording_sink.hpp"

#include <gtest/gtest.h>

namespace mg::features {
namespace {

using namespace std::chrono_literals;

const std::string C = "mosaic/hotel/lobby";

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
    on_demand feature{sink, topics};
    state_topics state{sink, topics};
};

TEST_F(OnDemand, SubscribesToGetTopicsOfTheSite) {
    ASSERT_EQ(sink.subscriptions.size(), 1u);
    EXPECT_EQ(sink.subscriptions[0].first, "mosaic/hotel/+/+/get");
}

TEST_F(OnDemand, SendsRequestWithParametersAndAnswersOnResponseTopic) {
    test::link_driver driver({&feature, &state});
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
    test::link_driver driver({&feature, &state});
    sink.deliver({C + "/system/get", "", "", ""});
    pump(driver);
    EXPECT_EQ(driver.sent.back(), R"({"request":"system","id":1})");
}

TEST_F(OnDemand, UnknownRequestIsAnsweredOnErrorTopic) {
    test::link_driver driver({&feature, &state});
    sink.deliver({C + "/bogus/get", "", "reply/here", "x"});
    EXPECT_TRUE(driver.controller.requests.empty());
    const auto errors = sink.events_on(C + "/error");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].payload,
              R"({"error":"unknown_request","topic":"mosaic/hotel/lobby/bogus/get","detail":"no request named 'bogus'"})");
    EXPECT_EQ(sink.events_on("reply/here").size(), 1u);
}

TEST_F(OnDemand, InvalidJsonPayloadIsRefused) {
    test::link_driver driver({&feature, &state});
    sink.deliver({C + "/system/get", "{not json", "", ""});
    EXPECT_TRUE(driver.controller.requests.empty());
    const auto errors = sink.events_on(C + "/error");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].payload.find("invalid_payload"), std::string::npos);
}

TEST_F(OnDemand, TimeoutIsReported) {
    test::link_driver driver({&feature, &state});
    sink.deliver({C + "/project/get", "", "", ""});
    pump(driver);
    driver.advance(10s);
    const auto errors = sink.events_on(C + "/error");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].payload.find(R"("error":"timeout")"), std::string::npos);
}

TEST_F(OnDemand, OfflineControllerIsReported) {
    test::link_driver driver({&feature, &state});
    driver.close();
    sink.deliver({C + "/project/get", "", "", ""});
    pump(driver);
    const auto errors = sink.events_on(C + "/error");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].payload.find(R"("error":"offline")"), std::string::npos);
}

TEST_F(OnDemand, OtherControllersTopicsAreIgnored) {
    test::link_driver driver({&feature, &state});
    sink.deliver({"mosaic/hotel/cellar/system/get", "", "", ""});
    EXPECT_TRUE(driver.controller.requests.empty());
    EXPECT_TRUE(sink.events.empty());
}

} // namespace
} // namespace mg::features
