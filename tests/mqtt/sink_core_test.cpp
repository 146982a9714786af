// The sink's supervision against a fake client library: what it asks of the library and what
// it does with what the library reports, without a broker.

#include "gateway/mqtt/inbound_router.hpp"
#include "gateway/mqtt/sink_core.hpp"
#include "tests/support/captured_log.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mg::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using mqtt::delivery;
using mqtt::inbound_message;
using mqtt::outbound_message;

constexpr auto status_topic = "mosaic/site/gateway/status";

class fake_core final : public mqtt::sink_core {
public:
    using sink_core::on_connect_failed;
    using sink_core::on_connected;
    using sink_core::on_connection_lost;
    using sink_core::on_disconnected;
    using sink_core::on_message;
    using sink_core::on_published;
    using sink_core::sink_core;

    int connects = 0;
    std::vector<std::size_t> attempts; // the broker of each connect attempt
    bool refuse_connect = false;
    // Each attempt fails, as a library reports it: later, on the loop.
    bool connects_fail = false;
    bool library_connected = false; // what disconnect_now() finds
    int disconnects = 0;
    std::vector<std::string> subscribed;
    std::vector<std::string> unsubscribed;
    std::vector<outbound_message> sent;
    std::vector<std::uint64_t> sequence;

    const mqtt::inbound_gate& gate() const { return *gate_; }

    // What the library reports once the broker confirmed message `seq`.
    void confirm(std::uint64_t seq) { on_published(seq, true, {}); }

    // A library that queues confirmations for the loop instead (collect_confirmations), and
    // wakes it only when asked to.
    bool queues_confirmations = false;
    std::vector<std::uint64_t> queued;
    bool wake_wanted = false;
    int wakes = 0;
    void confirm_later(std::uint64_t seq) {
        queued.push_back(seq);
        if (std::exchange(wake_wanted, false)) {
            ++wakes;
            asio::post(loop_, [this] { settle(); });
        }
    }

private:
    void install_callbacks() override {}
    void connect_now(std::size_t broker) override {
        ++connects;
        attempts.push_back(broker);
        if (refuse_connect)
            throw std::runtime_error("bad options");
        if (connects_fail)
            asio::post(loop_, [this] { on_connect_failed("connection refused"); });
    }
    delivery::send_result send_now(const outbound_message& m, std::uint64_t seq) override {
        sent.push_back(m);
        sequence.push_back(seq);
        return delivery::send_result::sent;
    }
    void subscribe_now(const std::string& filter) override { subscribed.push_back(filter); }
    void unsubscribe_now(const std::string& filter) override { unsubscribed.push_back(filter); }
    bool disconnect_now(std::chrono::milliseconds) override {
        ++disconnects;
        return library_connected;
    }
    void collect_confirmations(bool wake_for_next) override {
        if (!queues_confirmations)
            return;
        wake_wanted = wake_wanted || wake_for_next;
        for (const auto seq : std::exchange(queued, {}))
            on_published(seq, true, {});
    }
};

class SinkCore : public ::testing::Test {
protected:
    SinkCore() {
        config::mqtt_settings s;
        s.client_id = "test";
        core_ = std::make_shared<fake_core>(ioc_.get_executor(), s, status_topic);
        core_->on_change = &on_change_;
        on_change_ = [this](bool up) { changes_.push_back(up); };
    }

    // Stops and reports whether `done` ran after the loop got the chance.
    bool stop_and_poll() {
        core_->stop([this] { done_ = true; });
        ioc_.poll();
        return done_;
    }

    const outbound_message& last_sent() const { return core_->sent.back(); }

    asio::io_context ioc_;
    std::shared_ptr<fake_core> core_;
    std::function<void(bool)> on_change_;
    std::vector<bool> changes_;
    bool done_ = false;
};

TEST_F(SinkCore, ConnectsOnStartAndAnnouncesOnlineOnceConnected) {
    core_->start();
    EXPECT_EQ(core_->connects, 1);
    EXPECT_TRUE(core_->sent.empty());
    core_->on_connected(20);
    ASSERT_EQ(core_->sent.size(), 1u);
    EXPECT_EQ(last_sent().topic, status_topic);
    EXPECT_EQ(last_sent().payload, "online");
    EXPECT_TRUE(last_sent().retained);
    EXPECT_TRUE(core_->connected());
    EXPECT_EQ(changes_, std::vector<bool>{true});
}

TEST_F(SinkCore, SubscribesEveryRouteOnEachConnect) {
    core_->subscribe("a/#", [](const inbound_message&) {});
    core_->start();
    core_->on_connected(20);
    core_->subscribe("b/+", [](const inbound_message&) {});
    EXPECT_EQ(core_->subscribed, (std::vector<std::string>{"a/#", "b/+"}));
    core_->on_connection_lost("gone");
    core_->on_connected(20);
    EXPECT_EQ(core_->subscribed, (std::vector<std::string>{"a/#", "b/+", "a/#", "b/+"}));
    EXPECT_EQ(core_->reconnects(), 1u);
    EXPECT_EQ(changes_, (std::vector<bool>{true, false, true}));
}

TEST_F(SinkCore, UnsubscribeDropsTheRouteAndTheBrokerSubscription) {
    std::vector<std::string> got;
    core_->subscribe("a/+", [&](const inbound_message& m) { got.push_back(m.topic); });
    core_->subscribe("b/+", [&](const inbound_message& m) { got.push_back(m.topic); });
    core_->start();
    core_->on_connected(20);
    core_->unsubscribe("a/+");
    EXPECT_EQ(core_->unsubscribed, std::vector<std::string>{"a/+"});
    core_->on_message({"a/1", "", "", ""});
    core_->on_message({"b/1", "", "", ""});
    EXPECT_EQ(got, std::vector<std::string>{"b/1"});
    core_->on_connection_lost("gone");
    core_->on_connected(20);
    EXPECT_EQ(core_->subscribed, (std::vector<std::string>{"a/+", "b/+", "b/+"}));
}

TEST_F(SinkCore, AHandlerMayUnsubscribeWhileAMessageIsDispatched) {
    std::vector<std::string> got;
    core_->subscribe("a/#", [&](const inbound_message& m) {
        got.push_back("first:" + m.topic);
        core_->unsubscribe("a/#");
    });
    core_->subscribe("a/#", [&](const inbound_message& m) { got.push_back("second:" + m.topic); });
    core_->subscribe("a/1", [&](const inbound_message& m) { got.push_back("third:" + m.topic); });
    core_->start();
    core_->on_connected(20);
    core_->on_message({"a/1", "", "", ""});
    core_->on_message({"a/1", "", "", ""});
    EXPECT_EQ(got, (std::vector<std::string>{"first:a/1", "third:a/1", "third:a/1"}));
}

TEST_F(SinkCore, RetriesWhenTheLibraryRefusesBeforeTrying) {
    captured_log log;
    core_->refuse_connect = true;
    core_->start();
    EXPECT_EQ(core_->connects, 1);
    ioc_.run_for(1200ms); // the first retry comes after a second
    EXPECT_EQ(core_->connects, 2);
    EXPECT_EQ(log.count("mqtt: cannot connect to 127.0.0.1:1883: bad options"), 1u)
        << "logged once";
}

// A broker pair: whichever broker is lost, the other is tried at once, so a gateway that failed
// over to the second broker comes back to the first when the second goes too.
TEST_F(SinkCore, WhicheverBrokerIsLostTheOtherIsTriedAtOnce) {
    config::mqtt_settings s;
    s.client_id = "test";
    s.brokers = {{"a", 1883}, {"b", 1883}};
    core_ = std::make_shared<fake_core>(ioc_.get_executor(), s, status_topic);
    core_->start();
    core_->on_connected(20);
    EXPECT_EQ(core_->broker(), "a:1883");
    core_->on_connection_lost("gone");
    ioc_.run_for(300ms); // the library's moment to let go of the lost connection
    ASSERT_EQ(core_->attempts, (std::vector<std::size_t>{0, 1}));
    core_->on_connected(20);
    EXPECT_EQ(core_->broker(), "b:1883");
    core_->on_connection_lost("gone");
    ioc_.restart();
    ioc_.run_for(300ms);
    EXPECT_EQ(core_->attempts, (std::vector<std::size_t>{0, 1, 0}));
    core_->on_connected(20);
    EXPECT_EQ(core_->broker(), "a:1883");
    EXPECT_EQ(core_->reconnects(), 2u);
}

// The library may name the broker it reached: that one is current, whichever was asked for.
TEST_F(SinkCore, TheBrokerTheLibraryReachedIsTheCurrentOne) {
    config::mqtt_settings s;
    s.client_id = "test";
    s.brokers = {{"a", 1883}, {"b", 1883}};
    core_ = std::make_shared<fake_core>(ioc_.get_executor(), s, status_topic);
    core_->start();
    core_->on_connected(20, 1);
    EXPECT_EQ(core_->broker(), "b:1883");
    core_->on_connection_lost("gone");
    ioc_.run_for(300ms);
    EXPECT_EQ(core_->attempts, (std::vector<std::size_t>{0, 0})) << "the other one next";
}

// No broker answers: every broker is tried in turn, with a pause after each round, and the
// trying never stops.
TEST_F(SinkCore, KeepsTryingEveryBrokerInTurnWithAPauseBetweenRounds) {
    config::mqtt_settings s;
    s.client_id = "test";
    s.brokers = {{"a", 1883}, {"b", 1883}, {"c", 1883}};
    core_ = std::make_shared<fake_core>(ioc_.get_executor(), s, status_topic);
    core_->connects_fail = true;
    core_->start();
    ioc_.poll();
    EXPECT_EQ(core_->attempts, (std::vector<std::size_t>{0, 1, 2})) << "one round at once";
    ioc_.run_for(1100ms); // the first pause is at most a second
    ASSERT_GE(core_->attempts.size(), 6u);
    EXPECT_EQ(std::vector<std::size_t>(core_->attempts.begin(), core_->attempts.begin() + 6),
              (std::vector<std::size_t>{0, 1, 2, 0, 1, 2}));
    core_->connects_fail = false;
    stop_and_poll();
    const auto tried = core_->attempts.size();
    ioc_.run_for(300ms);
    EXPECT_EQ(core_->attempts.size(), tried) << "nothing after stop";
}

TEST_F(SinkCore, InboundMessagesReachMatchingRoutesAndAreCounted) {
    std::vector<std::string> got;
    core_->subscribe("cmd/+/get", [&](const inbound_message& m) { got.push_back(m.topic); });
    core_->subscribe("cmd/#", [&](const inbound_message& m) { got.push_back("all:" + m.topic); });
    core_->start();
    core_->on_connected(20);
    core_->on_message({"cmd/x/get", "{}", "reply/to", "id"});
    core_->on_message({"other", "", "", ""});
    EXPECT_EQ(got, (std::vector<std::string>{"cmd/x/get", "all:cmd/x/get"}));
    EXPECT_EQ(core_->received(), 2u);
}

TEST_F(SinkCore, StopSendsOfflineAndFinishesWhenTheLibraryHasDisconnected) {
    core_->start();
    core_->on_connected(20);
    core_->library_connected = true;
    EXPECT_FALSE(stop_and_poll());
    EXPECT_EQ(last_sent().payload, "offline");
    EXPECT_EQ(core_->disconnects, 0) << "waits until the broker confirmed the offline";
    for (const auto seq : core_->sequence)
        core_->confirm(seq);
    EXPECT_EQ(core_->disconnects, 1);
    core_->on_disconnected();
    ioc_.poll();
    EXPECT_TRUE(done_);
    EXPECT_FALSE(core_->connected());
    EXPECT_EQ(changes_, (std::vector<bool>{true, false}));
}

TEST_F(SinkCore, QueuedConfirmationsWakeTheLoopOnlyWhileMessagesWaitForThem) {
    core_->queues_confirmations = true;
    core_->start();
    core_->on_connected(1);
    ASSERT_EQ(core_->sent.size(), 1u); // online, filling the window
    core_->confirm_later(1);
    EXPECT_EQ(core_->wakes, 0) << "nothing waits";

    core_->publish_state("t/a", "1"); // takes the queued confirmation, so goes out at once
    ASSERT_EQ(core_->sent.size(), 2u);
    EXPECT_EQ(last_sent().topic, "t/a");

    core_->publish_state("t/b", "1"); // window full: held, and the next confirmation must wake
    EXPECT_EQ(core_->sent.size(), 2u);
    core_->confirm_later(2);
    EXPECT_EQ(core_->wakes, 1);
    ioc_.poll();
    ASSERT_EQ(core_->sent.size(), 3u);
    EXPECT_EQ(last_sent().topic, "t/b");

    core_->confirm_later(3);
    EXPECT_EQ(core_->wakes, 1) << "nothing waits again";
}

TEST_F(SinkCore, StopWaitsForQueuedConfirmationsBeforeDisconnecting) {
    core_->queues_confirmations = true;
    core_->start();
    core_->on_connected(20);
    core_->library_connected = true;
    EXPECT_FALSE(stop_and_poll());
    EXPECT_EQ(last_sent().payload, "offline");
    for (const auto seq : core_->sequence)
        core_->confirm_later(seq);
    EXPECT_EQ(core_->wakes, 1);
    EXPECT_EQ(core_->disconnects, 0);
    ioc_.poll();
    EXPECT_EQ(core_->disconnects, 1);
}

TEST_F(SinkCore, ConfirmationsQueuedBeforeALostConnectionAreNotSentAgain) {
    core_->queues_confirmations = true;
    core_->start();
    core_->on_connected(20);
    core_->publish_event("t/e", "1");
    ASSERT_EQ(core_->sent.size(), 2u);
    core_->confirm_later(1);
    core_->confirm_later(2);
    core_->on_connection_lost("gone");
    core_->on_connected(20);
    const auto& sent = core_->sent;
    EXPECT_GT(sent.size(), 2u) << "the retained cache goes out again";
    EXPECT_EQ(
        std::count_if(sent.begin(), sent.end(), [](const auto& m) { return m.topic == "t/e"; }), 1)
        << "the confirmed event does not";
}

TEST_F(SinkCore, StopWithNothingToCloseFinishesAtOnce) {
    core_->start();
    EXPECT_TRUE(stop_and_poll());
}

TEST_F(SinkCore, StopBeforeStartFinishesAtOnce) {
    EXPECT_TRUE(stop_and_poll());
    EXPECT_EQ(core_->disconnects, 0);
}

TEST_F(SinkCore, StopFinishesEvenWhenTheLibraryNeverReportsTheDisconnect) {
    core_->start();
    core_->on_connected(20);
    core_->library_connected = true;
    EXPECT_FALSE(stop_and_poll());
    ioc_.run_for(3s);
    EXPECT_TRUE(done_);
}

TEST_F(SinkCore, ASecondStopIsAnsweredToo) {
    core_->start();
    core_->on_connected(20);
    core_->library_connected = true;
    bool second = false;
    core_->stop([this] { done_ = true; });
    core_->stop([&] { second = true; });
    core_->on_disconnected();
    ioc_.poll();
    EXPECT_TRUE(done_);
    EXPECT_TRUE(second);
}

TEST_F(SinkCore, AReconnectRacingStopIsClosedAgainAndNothingIsSent) {
    core_->start();
    stop_and_poll();
    core_->sent.clear();
    core_->on_connected(20);
    EXPECT_EQ(core_->disconnects, 2);
    EXPECT_FALSE(core_->connected());
    core_->publish_event("e", "after stop");
    EXPECT_TRUE(core_->sent.empty());
}

TEST_F(SinkCore, NothingIsAcceptedOrDeliveredAfterStop) {
    std::vector<std::string> got;
    core_->subscribe("#", [&](const inbound_message& m) { got.push_back(m.topic); });
    core_->start();
    stop_and_poll();
    core_->publish_state("s", "1");
    core_->publish_event("e", "1");
    core_->on_message({"t", "", "", ""});
    EXPECT_EQ(core_->buffered(), 1u) << "only the status that never got out";
    EXPECT_TRUE(got.empty());
}

TEST_F(SinkCore, EachDistinctProblemIsLoggedOnceUntilTheNextConnect) {
    captured_log log;
    core_->start();
    core_->on_connect_failed("refused");
    core_->on_connect_failed("refused");
    core_->on_connect_failed("timeout");
    EXPECT_EQ(log.count("refused"), 1u);
    EXPECT_EQ(log.count("timeout"), 1u);
    core_->on_connected(20);
    core_->on_connection_lost("reset");
    core_->on_connect_failed("timeout");
    EXPECT_EQ(log.count("timeout"), 2u) << "a connect in between clears the slate";
    EXPECT_EQ(log.count("lost: reset"), 1u);
}

TEST_F(SinkCore, InvalidTopicsAndBrokerRefusalsAreLoggedAndCounted) {
    captured_log log;
    core_->start();
    core_->on_connected(20);
    core_->publish_event("a/+/b", "x");
    EXPECT_EQ(log.count("invalid topic 'a/+/b'"), 1u);
    core_->publish_event("ok", "x");
    core_->on_published(2, false, "mqtt: broker refused publish to ok: Quota exceeded");
    EXPECT_EQ(log.count("Quota exceeded"), 1u);
    EXPECT_EQ(core_->dropped(), 2u);
}

TEST_F(SinkCore, TheGateLetsThroughTheLargestPayloadAnySubscriptionAccepts) {
    core_->subscribe(
        "a/+/get", [](const inbound_message&) {}, 4096);
    core_->subscribe(
        "b/config", [](const inbound_message&) {}, 100);
    EXPECT_EQ(core_->gate().limit(), 4096u);
    core_->unsubscribe("a/+/get");
    EXPECT_EQ(core_->gate().limit(), 100u);
}

TEST_F(SinkCore, AMessageLeftBehindByTheGateIsCountedAndStillReachesItsRoute) {
    std::vector<inbound_message> got;
    core_->subscribe(
        "a/+/get", [&](const inbound_message& m) { got.push_back(m); }, 4096);
    core_->start();
    core_->on_connected(20);
    core_->on_message(core_->gate().admit("a/1/get", std::string(5000, 'x'), "r", "c", false));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].oversize, 5000u);
    EXPECT_EQ(got[0].response_topic, "r");
    EXPECT_EQ(core_->oversize(), 1u);
}

TEST(InboundRouter, AHandlerThatThrowsDoesNotKeepTheOthersFromRunning) {
    captured_log log;
    mqtt::inbound_router router;
    int ran = 0;
    router.add("t/#", [](const inbound_message&) { throw std::runtime_error("boom"); });
    router.add("t/x", [&](const inbound_message&) { ++ran; });
    EXPECT_EQ(router.dispatch({"t/x", "", "", ""}), 2u);
    EXPECT_EQ(ran, 1);
    EXPECT_EQ(log.count("boom"), 1u);
}

TEST(InboundRouter, ARouteAddedByAHandlerServesTheNextMessage) {
    mqtt::inbound_router router;
    int late = 0;
    router.add("t", [&](const inbound_message&) {
        router.add("t", [&](const inbound_message&) { ++late; });
    });
    router.dispatch({"t", "", "", ""});
    EXPECT_EQ(late, 0);
    router.dispatch({"t", "", "", ""});
    EXPECT_EQ(late, 1);
}

// Set by the capture of the handler below when it is destroyed; global, since anything the
// handler itself holds is gone by then.
bool capture_destroyed = false;
bool destroyed_during_call = true;

struct destruction_flag {
    ~destruction_flag() { capture_destroyed = true; }
};

TEST(InboundRouter, AHandlerThatUnsubscribesItselfKeepsItsCapturesUntilItReturns) {
    mqtt::inbound_router router;
    capture_destroyed = false;
    destroyed_during_call = true;
    {
        auto flag = std::make_shared<destruction_flag>();
        // A long string lives on the heap: reading it after its destruction is what
        // AddressSanitizer reports as a use after free.
        std::string filter(64, 't');
        router.add(filter, [&router, flag, filter](const inbound_message&) {
            router.remove(filter);
            destroyed_during_call = capture_destroyed;
            EXPECT_EQ(filter.size(), 64u);
        });
    }
    EXPECT_EQ(router.dispatch({std::string(64, 't'), "", "", ""}), 1u);
    EXPECT_FALSE(destroyed_during_call);
    EXPECT_TRUE(capture_destroyed);
    EXPECT_EQ(router.dispatch({std::string(64, 't'), "", "", ""}), 0u);
}

} // namespace
} // namespace mg::test
