#include "gateway/protocol/control_queue.hpp"

#include "tests/support/actions.hpp"
#include "tests/support/manual_clock.hpp"

#include <gtest/gtest.h>

namespace mg::protocol {
namespace {

using namespace std::chrono_literals;

using test::all_of;
using test::has;

// The one result among `actions`; the test fails when there is not exactly one.
command_result result_of(const control_actions& actions) {
    const auto results = all_of<command_result>(actions);
    EXPECT_EQ(results.size(), 1u);
    return results.empty() ? command_result{0, command_outcome::failed, 0, {}, {}} : results[0];
}

http_call timeline_start(int num) {
    return {"POST", "/api/timeline",
            R"({"action":"start","num":)" + std::to_string(num) + "}"};
}

class ControlQueue : public ::testing::Test {
protected:
    test::manual_clock clock;

    control_settings settings(bool credentials = false) {
        control_settings s;
        s.credentials = credentials;
        return s;
    }

    // A ready queue whose connection is open, with `call` in flight.
    void in_flight(control_queue& q, http_call call, std::uint64_t tag) {
        q.set_ready(true);
        EXPECT_TRUE(has<control_connect>(q.add(std::move(call), tag)));
        EXPECT_EQ(all_of<control_send>(q.on_connected()).size(), 1u);
    }
};

TEST_F(ControlQueue, OpensItsConnectionOnTheFirstCommandAndSendsIt) {
    control_queue q(settings(), clock);
    q.set_ready(true);
    const auto added = q.add(timeline_start(2), 1);
    EXPECT_TRUE(has<control_connect>(added));
    EXPECT_FALSE(has<control_send>(added)) << "nothing is sent before the connection is open";
    const auto sends = all_of<control_send>(q.on_connected());
    ASSERT_EQ(sends.size(), 1u);
    EXPECT_EQ(sends[0].call, timeline_start(2));
    const auto done = result_of(q.on_response(204, "", true));
    EXPECT_EQ(done.tag, 1u);
    EXPECT_EQ(done.outcome, command_outcome::ok);
}

TEST_F(ControlQueue, SendsOneCallAtATimeInArrivalOrderOnOneConnection) {
    control_queue q(settings(), clock);
    in_flight(q, timeline_start(1), 1);
    EXPECT_TRUE(q.add(timeline_start(2), 2).empty()) << "waits for the call in flight";
    EXPECT_TRUE(q.add(timeline_start(3), 3).empty());
    auto next = q.on_response(204, "", true);
    EXPECT_EQ(result_of(next).tag, 1u);
    EXPECT_FALSE(has<control_connect>(next)) << "the open connection is reused";
    ASSERT_EQ(all_of<control_send>(next).size(), 1u);
    EXPECT_EQ(all_of<control_send>(next)[0].call, timeline_start(2));
    next = q.on_response(204, "", true);
    EXPECT_EQ(all_of<control_send>(next)[0].call, timeline_start(3));
}

TEST_F(ControlQueue, ClosesTheConnectionAfterFiveIdleSeconds) {
    control_queue q(settings(), clock);
    in_flight(q, timeline_start(1), 1);
    q.on_response(204, "", true);
    EXPECT_EQ(q.next_deadline(), clock.now() + 5s);
    clock.advance(4s);
    EXPECT_FALSE(has<control_disconnect>(q.on_timeout()));
    clock.advance(1s);
    EXPECT_TRUE(has<control_disconnect>(q.on_timeout()));
    EXPECT_EQ(q.next_deadline(), std::nullopt);
    EXPECT_TRUE(has<control_connect>(q.add(timeline_start(2), 2))) << "the next command reopens";
}

TEST_F(ControlQueue, ACommandNotSentWithinItsTimeToLiveExpiresAndIsNeverSent) {
    control_queue q(settings(), clock);
    q.add(timeline_start(1), 7); // the controller is not live: it waits
    clock.advance(4900ms);
    EXPECT_TRUE(q.on_timeout().empty());
    clock.advance(100ms);
    const auto expired = result_of(q.on_timeout());
    EXPECT_EQ(expired.tag, 7u);
    EXPECT_EQ(expired.outcome, command_outcome::expired);
    EXPECT_EQ(expired.took, 5s);
    EXPECT_EQ(expired.detail, "not sent within 5s (command_ttl)");
    const auto ready = q.set_ready(true);
    EXPECT_FALSE(has<control_connect>(ready));
    EXPECT_FALSE(has<control_send>(ready));
}

TEST_F(ControlQueue, ACommandWaitingBehindASlowCallExpiresToo) {
    control_queue q(settings(), clock);
    in_flight(q, timeline_start(1), 1);
    q.add(timeline_start(2), 2);
    clock.advance(6s);
    EXPECT_EQ(result_of(q.on_timeout()).outcome, command_outcome::expired);
    const auto after = q.on_response(204, "", true);
    EXPECT_EQ(result_of(after).tag, 1u) << "the call in flight was sent in time";
    EXPECT_FALSE(has<control_send>(after));
}

TEST_F(ControlQueue, WithoutBudgetEveryCommandIsRefusedAtOnce) {
    auto s = settings();
    s.budget = false;
    control_queue q(s, clock);
    q.set_ready(true);
    const auto added = q.add(timeline_start(1), 4);
    EXPECT_FALSE(has<control_connect>(added));
    EXPECT_EQ(result_of(added).outcome, command_outcome::no_budget);
}

TEST_F(ControlQueue, ARefusedTokenIsRenewedOnceAndTheCallRetriedOnce) {
    control_queue q(settings(true), clock);
    in_flight(q, timeline_start(1), 1);
    const auto refused = q.on_response(401, "", true);
    EXPECT_FALSE(has<command_result>(refused));
    EXPECT_TRUE(has<control_disconnect>(refused)) << "authentication uses the control slot";
    EXPECT_TRUE(has<control_authenticate>(refused));
    EXPECT_TRUE(has<control_connect>(q.on_authenticated()));
    const auto resent = all_of<control_send>(q.on_connected());
    ASSERT_EQ(resent.size(), 1u);
    EXPECT_EQ(resent[0].call, timeline_start(1));
    const auto again = q.on_response(401, "", true);
    EXPECT_FALSE(has<control_authenticate>(again)) << "only once";
    EXPECT_EQ(result_of(again).outcome, command_outcome::rejected);
}

struct refusal_case {
    const char* name;
    unsigned status;
    const char* body;
};

class ControlQueueRefusal : public ControlQueue,
                            public ::testing::WithParamInterface<refusal_case> {};

TEST_P(ControlQueueRefusal, MeansAuthenticateAgain) {
    control_queue q(settings(true), clock);
    in_flight(q, timeline_start(1), 1);
    EXPECT_TRUE(has<control_authenticate>(q.on_response(GetParam().status, GetParam().body, true)));
}

INSTANTIATE_TEST_SUITE_P(Answers, ControlQueueRefusal,
                         ::testing::Values(refusal_case{"unauthorized", 401, ""},
                                           refusal_case{"forbidden", 403, "no"},
                                           refusal_case{"redirect", 302, ""},
                                           refusal_case{"redirect_body", 200,
                                                        R"({"redirect":"/login"})"}),
                         [](const auto& info) { return std::string(info.param.name); });

struct outcome_case {
    const char* name;
    unsigned status;
    const char* body;
    command_outcome outcome;
};

class ControlQueueOutcome : public ControlQueue,
                           public ::testing::WithParamInterface<outcome_case> {};

TEST_P(ControlQueueOutcome, FollowsTheStatus) {
    control_queue q(settings(), clock);
    in_flight(q, timeline_start(1), 1);
    const auto done = result_of(q.on_response(GetParam().status, GetParam().body, true));
    EXPECT_EQ(done.outcome, GetParam().outcome);
    EXPECT_EQ(done.status, GetParam().status);
}

INSTANTIATE_TEST_SUITE_P(
    Answers, ControlQueueOutcome,
    ::testing::Values(outcome_case{"no_content", 204, "", command_outcome::ok},
                      outcome_case{"ok_with_token", 200, R"({"token":"t"})", command_outcome::ok},
                      outcome_case{"bad_request", 400, "bad level", command_outcome::rejected},
                      outcome_case{"not_found", 404, "", command_outcome::rejected},
                      outcome_case{"unauthorized_without_credentials", 401, "",
                                   command_outcome::rejected},
                      outcome_case{"server_error", 500, "", command_outcome::failed}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(ControlQueue, RejectedCarriesTheControllersAnswer) {
    control_queue q(settings(), clock);
    in_flight(q, timeline_start(1), 1);
    const auto done = result_of(q.on_response(400, R"({"error":"bad action"})", true));
    EXPECT_EQ(done.detail, R"({"error":"bad action"})");
}

TEST_F(ControlQueue, ALostConnectionFailsTheCallInFlightAndTheNextReconnects) {
    control_queue q(settings(), clock);
    in_flight(q, timeline_start(1), 1);
    q.add(timeline_start(2), 2);
    const auto lost = q.on_send_failed("connection lost");
    EXPECT_EQ(result_of(lost).outcome, command_outcome::failed);
    EXPECT_EQ(result_of(lost).detail, "connection lost");
    EXPECT_TRUE(has<control_connect>(lost));
}

TEST_F(ControlQueue, AConnectionRefusedFailsTheCommandThatWaitedForIt) {
    control_queue q(settings(), clock);
    q.set_ready(true);
    q.add(timeline_start(1), 1);
    EXPECT_EQ(result_of(q.on_connect_failed("connect failed: refused")).outcome,
              command_outcome::failed);
}

TEST_F(ControlQueue, NoFreeSlotAsksAgainShortlyUntilTheTimeToLive) {
    control_queue q(settings(), clock);
    q.set_ready(true);
    q.add(timeline_start(1), 1);
    EXPECT_TRUE(q.on_no_slot().empty());
    EXPECT_EQ(q.next_deadline(), clock.now() + 200ms);
    clock.advance(200ms);
    EXPECT_TRUE(has<control_connect>(q.on_timeout()));
}

TEST_F(ControlQueue, ClosesItsConnectionWhenTheSessionGoesDown) {
    control_queue q(settings(), clock);
    in_flight(q, timeline_start(1), 1);
    EXPECT_FALSE(has<control_disconnect>(q.set_ready(false))) << "the call in flight finishes";
    EXPECT_TRUE(has<control_disconnect>(q.on_response(204, "", true)));
}

TEST_F(ControlQueue, AConnectionTheControllerClosedIsOpenedAgain) {
    control_queue q(settings(), clock);
    in_flight(q, timeline_start(1), 1);
    q.add(timeline_start(2), 2);
    EXPECT_TRUE(has<control_connect>(q.on_response(204, "", false)));
}

} // namespace
} // namespace mg::protocol
