// The Paho sink against a real mosquitto: what reaches the broker, across outages.

#include "gateway/mqtt/paho_sink.hpp"
#include "tests/support/captured_log.hpp"
#include "tests/support/mosquitto.hpp"
#include "tests/support/mqtt_recorder.hpp"
#include "tests/support/test_pki.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <gtest/gtest.h>
#include <memory>
#include <mqtt/async_client.h>
#include <string>
#include <thread>
#include <vector>

namespace mg::test {
namespace {

namespace asio = boost::asio;

constexpr auto will_topic = "mosaic/test/gateway/status";
constexpr auto loop_timeout = 10s;

// Runs the sink on its own io_context thread, as the gateway does; the test thread reaches it
// only through on_loop().
class PahoSink : public ::testing::Test {
protected:
    explicit PahoSink(mosquitto_options broker_options = {}) : broker_(std::move(broker_options)) {}

    void SetUp() override {
        broker_.start();
        loop_thread_ = std::thread([this] { ioc_.run(); });
    }

    void TearDown() override {
        if (sink_)
            stop_sink();
        guard_.reset();
        ioc_.stop();
        loop_thread_.join();
        sink_.reset();
    }

    config::mqtt_settings settings(int protocol = 5) const {
        config::mqtt_settings s;
        s.url = broker_.url();
        s.host = broker_.host();
        s.port = broker_.port();
        s.brokers = {{s.host, s.port}};
        s.client_id = "mg-sink-" + std::to_string(::getpid()) + "-" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name();
        s.protocol = protocol;
        s.qos = 1;
        return s;
    }

    // The sink lives on the loop; it is created here before the loop touches it.
    mqtt::paho_sink& make_sink(const config::mqtt_settings& s) {
        sink_ = std::make_unique<mqtt::paho_sink>(ioc_.get_executor(), s, will_topic);
        return *sink_;
    }

    template <class F> auto on_loop(F f) -> decltype(f()) {
        std::packaged_task<decltype(f())()> task(std::move(f));
        auto result = task.get_future();
        asio::post(ioc_, std::move(task));
        if (result.wait_for(loop_timeout) != std::future_status::ready)
            throw std::runtime_error("event loop did not answer");
        return result.get();
    }

    // Polls a condition on the loop until it holds or the deadline passes.
    template <class F> bool wait_loop(F condition, std::chrono::milliseconds timeout = 15s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!on_loop(condition)) {
            if (std::chrono::steady_clock::now() >= deadline)
                return false;
            std::this_thread::sleep_for(10ms);
        }
        return true;
    }

    void start_and_wait_connected() {
        on_loop([this] { sink_->start(); });
        ASSERT_TRUE(wait_loop([this] { return sink_->connected(); })) << broker_.log();
    }

    // Stops the sink and tells how long `done` took to arrive.
    std::chrono::milliseconds stop_sink() {
        auto done = std::make_shared<std::promise<void>>();
        const auto begin = std::chrono::steady_clock::now();
        on_loop([&] { sink_->stop([done] { done->set_value(); }); });
        EXPECT_EQ(done->get_future().wait_for(5s), std::future_status::ready);
        return std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - begin);
    }

    recorder_options recorder(std::vector<std::string> filters = {"#"}) const {
        recorder_options o;
        o.uri = broker_.paho_uri();
        o.filters = std::move(filters);
        return o;
    }

    // What handlers given to the sink record; members, so they outlive every test body.
    std::vector<mqtt::inbound_message> inbound_;
    std::vector<bool> changes_;
    std::vector<std::thread::id> change_threads_;

    mosquitto broker_;
    asio::io_context ioc_;
    asio::executor_work_guard<asio::io_context::executor_type> guard_{ioc_.get_executor()};
    std::thread loop_thread_;
    std::unique_ptr<mqtt::paho_sink> sink_;
};

std::vector<std::string> payloads(const std::vector<recorded_message>& messages) {
    std::vector<std::string> out;
    for (const auto& m : messages)
        out.push_back(m.payload);
    return out;
}

std::vector<std::string> numbered(int from, int to) {
    std::vector<std::string> out;
    for (int i = from; i < to; ++i)
        out.push_back(std::to_string(i));
    return out;
}

// Compares long sequences by their first difference, which is what a reader needs.
::testing::AssertionResult same_sequence(const std::vector<std::string>& actual,
                                         const std::vector<std::string>& expected) {
    const auto n = std::min(actual.size(), expected.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (actual[i] != expected[i])
            return ::testing::AssertionFailure()
                   << "first difference at " << i << ": got '" << actual[i] << "', expected '"
                   << expected[i] << "' (sizes " << actual.size() << " and " << expected.size()
                   << ")";
    }
    if (actual.size() != expected.size())
        return ::testing::AssertionFailure()
               << "sizes differ: got " << actual.size() << ", expected " << expected.size();
    return ::testing::AssertionSuccess();
}

// Delivery is at least once: a message whose acknowledgement was lost comes again. What must
// hold is that every payload arrives and first arrivals keep the order.
std::vector<std::string> first_arrivals(const std::vector<recorded_message>& messages) {
    std::vector<std::string> out;
    for (const auto& m : messages) {
        if (std::find(out.begin(), out.end(), m.payload) == out.end())
            out.push_back(m.payload);
    }
    return out;
}

TEST_F(PahoSink, PublishesRetainedStateWithRetainFlag) {
    mqtt_recorder rec(recorder());
    make_sink(settings());
    start_and_wait_connected();
    on_loop([this] { sink_->publish_state("mosaic/test/lobby/scene/1", R"({"state":"on"})"); });

    const auto m = rec.wait_for_payload("mosaic/test/lobby/scene/1", R"({"state":"on"})");
    ASSERT_TRUE(m);
    EXPECT_TRUE(m->retained);
    EXPECT_EQ(m->qos, 1);

    // A subscriber arriving later gets it at once from the broker.
    mqtt_recorder late(recorder({"mosaic/test/lobby/#"}));
    const auto again = late.wait_for_payload("mosaic/test/lobby/scene/1", R"({"state":"on"})");
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->retained);
}

TEST_F(PahoSink, IdenticalRetainedPayloadIsNotResent) {
    mqtt_recorder rec(recorder());
    make_sink(settings());
    start_and_wait_connected();
    on_loop([this] {
        sink_->publish_state("t/a", "1");
        sink_->publish_state("t/a", "1");
        sink_->publish_state("t/a", "1");
        sink_->publish_state("t/b", "1");
        sink_->publish_state("t/a", "2");
        sink_->publish_event("t/marker", "end");
    });
    ASSERT_TRUE(rec.wait_for("t/marker"));
    EXPECT_EQ(payloads(rec.messages("t/a")), (std::vector<std::string>{"1", "2"}));
    EXPECT_EQ(payloads(rec.messages("t/b")), (std::vector<std::string>{"1"}));
}

TEST_F(PahoSink, InvalidTopicsAreRefusedWithoutLosingTheConnection) {
    mqtt_recorder rec(recorder());
    make_sink(settings());
    start_and_wait_connected();
    on_loop([this] {
        sink_->publish_state("t/+/bad", "x");
        sink_->publish_event("t/#", "y");
        sink_->publish_event("", "z");
        sink_->publish_event("t/fine", "ok");
    });
    ASSERT_TRUE(rec.wait_for_payload("t/fine", "ok"));
    EXPECT_EQ(on_loop([this] { return sink_->dropped(); }), 3u);
    EXPECT_TRUE(on_loop([this] { return sink_->connected(); }));
    EXPECT_EQ(on_loop([this] { return sink_->reconnects(); }), 0u);
}

TEST_F(PahoSink, EventsArriveInOrderWithoutRetainFlag) {
    mqtt_recorder rec(recorder());
    make_sink(settings());
    start_and_wait_connected();
    on_loop([this] {
        for (int i = 0; i < 200; ++i)
            sink_->publish_event("mosaic/test/lobby/log", std::to_string(i));
    });
    const auto got = rec.wait_count("mosaic/test/lobby/log", 200);
    EXPECT_TRUE(same_sequence(payloads(got), numbered(0, 200)));
    for (const auto& m : got)
        EXPECT_FALSE(m.retained);
    // Events are not retained: a late subscriber sees none.
    mqtt_recorder late(recorder({"mosaic/test/lobby/log"}));
    EXPECT_FALSE(late.wait_for("mosaic/test/lobby/log", 300ms));
    EXPECT_EQ(on_loop([this] { return sink_->published(); }), 201u); // with "online"
}

TEST_F(PahoSink, OwnsTheWillTopicOnlineOnConnectOfflineOnStop) {
    mqtt_recorder rec(recorder());
    make_sink(settings());
    start_and_wait_connected();
    const auto online = rec.wait_for_payload(will_topic, "online");
    ASSERT_TRUE(online);
    EXPECT_TRUE(online->retained);

    const auto took = stop_sink();
    EXPECT_LT(took, 2500ms);
    const auto offline = rec.wait_for_payload(will_topic, "offline");
    ASSERT_TRUE(offline);
    EXPECT_TRUE(offline->retained);
    EXPECT_FALSE(on_loop([this] { return sink_->connected(); }));

    // Nothing new goes out after stop.
    on_loop([this] {
        sink_->publish_state("t/after", "x");
        sink_->publish_event("t/after", "y");
    });
    EXPECT_FALSE(rec.wait_for("t/after", 300ms));
    sink_.reset();
}

TEST_F(PahoSink, HoldsWhatIsPublishedBeforeStartAndSendsItInOrderThroughTheWindow) {
    // More than the send window, so the backlog is fed to Paho as confirmations arrive.
    constexpr int count = 5000;
    mqtt_recorder rec(recorder());
    make_sink(settings());
    on_loop([this] {
        sink_->publish_state("t/state", "early");
        for (int i = 0; i < count; ++i)
            sink_->publish_event("t/events", std::to_string(i));
        sink_->publish_state("t/state", "latest");
    });
    EXPECT_EQ(on_loop([this] { return sink_->buffered(); }), count + 1u);
    start_and_wait_connected();
    // Publishing goes on while the backlog drains; it must queue behind it.
    on_loop([this] { sink_->publish_event("t/events", "after-connect"); });

    const auto got = rec.wait_count("t/events", count + 1, 30s);
    auto expected = numbered(0, count);
    expected.push_back("after-connect");
    EXPECT_TRUE(same_sequence(payloads(got), expected));
    ASSERT_TRUE(rec.wait_for_payload("t/state", "latest"));
    EXPECT_EQ(payloads(rec.messages("t/state")), (std::vector<std::string>{"latest"}));
    EXPECT_TRUE(wait_loop([this] { return sink_->buffered() == 0; }));
    EXPECT_EQ(on_loop([this] { return sink_->dropped(); }), 0u);
}

TEST_F(PahoSink, RetainedStateIsRestoredAfterBrokerRestartWithoutPersistence) {
    make_sink(settings());
    start_and_wait_connected();
    {
        mqtt_recorder rec(recorder());
        on_loop([this] {
            for (int i = 0; i < 20; ++i)
                sink_->publish_state("t/s/" + std::to_string(i), "before");
        });
        ASSERT_TRUE(rec.wait_for_payload("t/s/19", "before"));
    }

    broker_.stop();
    ASSERT_TRUE(wait_loop([this] { return !sink_->connected(); }));
    on_loop([this] {
        // Half the topics change while the broker is away, several times; the rest do not.
        for (int round = 0; round < 5; ++round) {
            for (int i = 0; i < 10; ++i)
                sink_->publish_state("t/s/" + std::to_string(i), "during-" + std::to_string(round));
        }
    });
    EXPECT_EQ(on_loop([this] { return sink_->buffered(); }), 10u) << "coalesced per topic";

    broker_.start(); // forgot every retained message
    ASSERT_TRUE(wait_loop([this] { return sink_->connected(); })) << broker_.log();
    mqtt_recorder rec(recorder());
    for (int i = 0; i < 20; ++i) {
        const auto topic = "t/s/" + std::to_string(i);
        const auto expected = i < 10 ? "during-4" : "before";
        const auto m = rec.wait_for_payload(topic, expected);
        ASSERT_TRUE(m) << topic << " never became " << expected;
        EXPECT_TRUE(m->retained);
    }
    ASSERT_TRUE(rec.wait_for_payload(will_topic, "online"));
    EXPECT_EQ(on_loop([this] { return sink_->reconnects(); }), 1u);
}

class PahoSinkPersistentBroker : public PahoSink {
protected:
    PahoSinkPersistentBroker()
        : PahoSink(mosquitto_options{{"max_queued_messages 0"}, /*persistence=*/true}) {}
};

TEST_F(PahoSink, ClearedStatesLeaveTheBroker) {
    make_sink(settings());
    start_and_wait_connected();
    mqtt_recorder rec(recorder());
    on_loop([this] {
        sink_->publish_state("t/site/lobby/status", "offline");
        sink_->publish_state("t/site/lobby/timeline/1", "{}");
        sink_->publish_state("t/site/lobby-2/status", "online");
        sink_->clear_states("t/site/lobby/");
    });
    ASSERT_TRUE(rec.wait_for_payload("t/site/lobby/timeline/1", ""));
    ASSERT_TRUE(rec.wait_for_payload("t/site/lobby/status", ""));
    EXPECT_EQ(retained_topics(broker_.paho_uri(), "t/site/#"),
              std::vector<std::string>{"t/site/lobby-2/status"});
}

TEST_F(PahoSinkPersistentBroker, AClearMadeWhileTheBrokerIsAwayReachesItOnReconnect) {
    make_sink(settings());
    start_and_wait_connected();
    {
        mqtt_recorder rec(recorder());
        on_loop([this] { sink_->publish_state("t/site/gone/status", "online"); });
        ASSERT_TRUE(rec.wait_for_payload("t/site/gone/status", "online"));
    }
    broker_.stop();
    ASSERT_TRUE(wait_loop([this] { return !sink_->connected(); }));
    on_loop([this] { sink_->clear_states("t/site/gone/"); });
    broker_.start(); // remembers "online" from before the outage
    ASSERT_TRUE(wait_loop([this] { return sink_->connected(); })) << broker_.log();
    EXPECT_TRUE(wait_retained_cleared(broker_.paho_uri(), "t/site/gone/#").empty());
}

TEST_F(PahoSinkPersistentBroker, EventsPublishedDuringAnOutageArriveInOrder) {
    // The recorder keeps its session across the restart, so the broker queues what the sink
    // delivers while the recorder is still reconnecting: the test does not race them.
    auto opts = recorder({"t/#"});
    opts.persistent_session = true;
    opts.client_id = "mg-recorder-persistent";
    mqtt_recorder rec(opts);

    make_sink(settings());
    start_and_wait_connected();
    on_loop([this] {
        sink_->publish_state("t/state", "0");
        for (int i = 0; i < 10; ++i)
            sink_->publish_event("t/events", std::to_string(i));
    });
    ASSERT_EQ(rec.wait_count("t/events", 10).size(), 10u);

    broker_.stop();
    // No waiting for the sink to notice: what it hands Paho before the loss is reported must
    // come back too.
    on_loop([this] {
        for (int i = 10; i < 60; ++i) {
            sink_->publish_event("t/events", std::to_string(i));
            sink_->publish_state("t/state", std::to_string(i));
        }
    });
    ASSERT_TRUE(wait_loop([this] { return !sink_->connected(); }));
    on_loop([this] {
        for (int i = 60; i < 100; ++i)
            sink_->publish_event("t/events", std::to_string(i));
        sink_->publish_state("t/state", "final");
    });

    broker_.start();
    ASSERT_TRUE(wait_loop([this] { return sink_->connected(); })) << broker_.log();
    on_loop([this] {
        for (int i = 100; i < 110; ++i)
            sink_->publish_event("t/events", std::to_string(i));
    });

    ASSERT_TRUE(rec.wait_until(
        [](const std::vector<recorded_message>& all) {
            return std::any_of(all.begin(), all.end(), [](const recorded_message& m) {
                return m.topic == "t/events" && m.payload == "109";
            });
        },
        30s))
        << broker_.log();
    EXPECT_TRUE(same_sequence(first_arrivals(rec.messages("t/events")), numbered(0, 110)));
    EXPECT_TRUE(rec.wait_for_payload("t/state", "final"));
    EXPECT_EQ(on_loop([this] { return sink_->dropped(); }), 0u);
}

TEST_F(PahoSinkPersistentBroker, EventsBeyondTheBufferDropOldestWhileBrokerIsAway) {
    auto opts = recorder({"t/#"});
    opts.persistent_session = true;
    opts.client_id = "mg-recorder-persistent";
    mqtt_recorder rec(opts);
    auto s = settings();
    s.buffer_messages = 5;
    make_sink(s);
    start_and_wait_connected();
    broker_.stop();
    ASSERT_TRUE(wait_loop([this] { return !sink_->connected(); }));
    on_loop([this] {
        for (int i = 0; i < 12; ++i)
            sink_->publish_event("t/events", std::to_string(i));
    });
    EXPECT_EQ(on_loop([this] { return sink_->dropped(); }), 7u);
    EXPECT_EQ(on_loop([this] { return sink_->buffered(); }), 5u);

    broker_.start();
    const auto got = rec.wait_count("t/events", 5, 20s);
    EXPECT_EQ(payloads(got), numbered(7, 12));
}

TEST_F(PahoSink, WillIsPublishedWhenTheConnectionDiesAndOnlineReturnsOnReconnect) {
    mqtt_recorder rec(recorder({will_topic}));
    const auto s = settings();
    make_sink(s);
    start_and_wait_connected();
    ASSERT_TRUE(rec.wait_for_payload(will_topic, "online"));

    // Another client with the same id takes the session over: the broker drops the sink's
    // connection without a DISCONNECT from it, which is what fires a will.
    {
        ::mqtt::async_client intruder(broker_.paho_uri(), s.client_id,
                                      ::mqtt::create_options(MQTTVERSION_5), nullptr);
        intruder.connect(::mqtt::connect_options_builder().mqtt_version(MQTTVERSION_5).finalize())
            ->wait_for(5s);
        const auto offline = rec.wait_for_payload(will_topic, "offline");
        ASSERT_TRUE(offline);
        EXPECT_TRUE(offline->retained);
        intruder.disconnect()->wait_for(5s);
    }
    ASSERT_TRUE(rec.wait_for_payload(will_topic, "online", 15s));
    EXPECT_TRUE(wait_loop([this] { return sink_->reconnects() >= 1; }));
}

TEST_F(PahoSink, InboundMessagesCarryResponseTopicAndCorrelationData) {
    mqtt_recorder rec(recorder({"t/#"}));
    make_sink(settings());
    auto& got = inbound_;
    // One subscription made before connecting, one after.
    on_loop([&] {
        sink_->subscribe("t/+/system/get", [&](const mqtt::inbound_message& m) {
            got.push_back(m);
            if (!m.response_topic.empty())
                sink_->publish_event(m.response_topic, R"({"reply":true})", m.correlation_data);
        });
    });
    start_and_wait_connected();
    on_loop([&] {
        sink_->subscribe("t/late", [&](const mqtt::inbound_message& m) { got.push_back(m); });
    });
    // The SUBACK is not observable from the sink; a retained probe reaches it either way.
    rec.publish("t/late", "probe", true);
    ASSERT_TRUE(wait_loop([&] { return !got.empty(); }))
        << "subscription made after connecting never delivered";

    rec.publish("t/lobby/system/get", "{}", false, "t/replies/42", std::string("\x00\x01id", 4));
    ASSERT_TRUE(wait_loop([&] { return got.size() >= 2 && got.back().topic != "t/late"; }));
    const auto request = on_loop([&] { return got.back(); });
    EXPECT_EQ(request.topic, "t/lobby/system/get");
    EXPECT_EQ(request.payload, "{}");
    EXPECT_EQ(request.response_topic, "t/replies/42");
    EXPECT_EQ(request.correlation_data, std::string("\x00\x01id", 4));

    const auto reply = rec.wait_for("t/replies/42");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->payload, R"({"reply":true})");
    EXPECT_EQ(reply->correlation_data, std::string("\x00\x01id", 4));
    EXPECT_GE(on_loop([this] { return sink_->received(); }), 2u);
}

TEST_F(PahoSink, Mqtt311PublishesAndReceivesWithoutProperties) {
    auto opts = recorder({"t/#", will_topic});
    opts.protocol = 3;
    mqtt_recorder rec(opts);
    make_sink(settings(3));
    auto& got = inbound_;
    on_loop([&] {
        sink_->subscribe("t/cmd/#", [&](const mqtt::inbound_message& m) { got.push_back(m); });
    });
    start_and_wait_connected();
    ASSERT_TRUE(rec.wait_for_payload(will_topic, "online"));
    on_loop([this] {
        sink_->publish_state("t/state", "v");
        sink_->publish_event("t/event", "e", "ignored-without-mqtt5");
    });
    ASSERT_TRUE(rec.wait_for_payload("t/state", "v"));
    const auto event = rec.wait_for_payload("t/event", "e");
    ASSERT_TRUE(event);
    EXPECT_TRUE(event->correlation_data.empty());

    rec.publish("t/cmd/x", "hello");
    ASSERT_TRUE(wait_loop([&] { return !got.empty(); }));
    const auto m = on_loop([&] { return got.front(); });
    EXPECT_EQ(m.topic, "t/cmd/x");
    EXPECT_EQ(m.payload, "hello");
    EXPECT_TRUE(m.response_topic.empty());
}

TEST_F(PahoSink, ConnectsWhenTheBrokerAppearsAfterStart) {
    broker_.stop();
    make_sink(settings());
    on_loop([this] {
        sink_->start();
        sink_->publish_state("t/state", "held");
    });
    EXPECT_FALSE(on_loop([this] { return sink_->connected(); }));
    broker_.start();
    ASSERT_TRUE(wait_loop([this] { return sink_->connected(); })) << broker_.log();
    mqtt_recorder rec(recorder());
    EXPECT_TRUE(rec.wait_for_payload("t/state", "held"));
    EXPECT_EQ(on_loop([this] { return sink_->reconnects(); }), 0u);
}

TEST_F(PahoSink, StopWhileTheBrokerIsAwayEndsPromptlyAndForGood) {
    make_sink(settings());
    start_and_wait_connected();
    auto& changes = changes_;
    on_loop([&] { sink_->on_connection_change = [&](bool up) { changes.push_back(up); }; });
    broker_.stop();
    ASSERT_TRUE(wait_loop([this] { return !sink_->connected(); }));
    EXPECT_LT(stop_sink(), 1000ms);
    EXPECT_EQ(on_loop([&] { return changes; }), std::vector<bool>{false});

    broker_.start();
    mqtt_recorder rec(recorder());
    // Past the sink's first reconnect delay: it must stay away.
    EXPECT_FALSE(rec.wait_for_payload(will_topic, "online", 2500ms));
    EXPECT_FALSE(on_loop([this] { return sink_->connected(); }));
}

TEST_F(PahoSink, ConnectionChangesAreReportedOnTheLoop) {
    make_sink(settings());
    auto& changes = changes_;
    auto& threads = change_threads_;
    on_loop([&] {
        sink_->on_connection_change = [&](bool up) {
            changes.push_back(up);
            threads.push_back(std::this_thread::get_id());
        };
    });
    start_and_wait_connected();
    broker_.stop();
    ASSERT_TRUE(wait_loop([this] { return !sink_->connected(); }));
    broker_.start();
    ASSERT_TRUE(wait_loop([this] { return sink_->connected(); }));
    EXPECT_EQ(on_loop([&] { return changes; }), (std::vector<bool>{true, false, true}));
    for (const auto& id : on_loop([&] { return threads; }))
        EXPECT_EQ(id, loop_thread_.get_id());
}

TEST_F(PahoSink, ConnectionErrorsAreLoggedOnceAndNeverShowThePassword) {
    captured_log log;
    auto s = settings();
    s.secure = true; // the broker speaks plain MQTT: the handshake cannot succeed
    s.url = "mqtts://127.0.0.1:" + std::to_string(broker_.port());
    s.username = "gateway";
    s.password = "hunter2-very-secret";
    s.tls = config::mqtt_tls{"/nonexistent/ca.pem", {}, {}, true};
    make_sink(s);
    on_loop([this] { sink_->start(); });

    // Long enough for two retries at 1s and 2s.
    const auto deadline = std::chrono::steady_clock::now() + 3500ms;
    while (std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(50ms);

    const auto lines = log.lines();
    std::string all;
    for (const auto& l : lines)
        all += l;
    EXPECT_NE(all.find("mqtt: TLS CA file /nonexistent/ca.pem cannot be read"), std::string::npos)
        << all;
    EXPECT_EQ(all.find("hunter2"), std::string::npos);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        EXPECT_EQ(std::count(lines.begin(), lines.end(), lines[i]), 1) << "repeated: " << lines[i];
    }
    EXPECT_FALSE(on_loop([this] { return sink_->connected(); }));
}

// One set of certificates for all TLS tests; making them takes a moment.
const test_pki& pki() {
    static const test_pki instance;
    return instance;
}

// The plain listener for recorders, plus two TLS listeners: one any client may use, one that
// requires a client certificate from the test CA.
mosquitto_options tls_broker(std::uint16_t tls_port, std::uint16_t mutual_port) {
    mosquitto_options o;
    for (const auto& [port, require] : {std::pair{tls_port, false}, std::pair{mutual_port, true}}) {
        o.extra_config.push_back("listener " + std::to_string(port) + " 127.0.0.1");
        o.extra_config.push_back("cafile " + pki().ca_cert.string());
        o.extra_config.push_back("certfile " + pki().server_cert.string());
        o.extra_config.push_back("keyfile " + pki().server_key.string());
        o.extra_config.push_back(std::string("require_certificate ") +
                                 (require ? "true" : "false"));
    }
    return o;
}

class PahoSinkTls : public PahoSink {
protected:
    explicit PahoSinkTls(std::uint16_t tls_port = free_tcp_port(),
                         std::uint16_t mutual_port = free_tcp_port())
        : PahoSink(tls_broker(tls_port, mutual_port)), tls_port_(tls_port),
          mutual_port_(mutual_port) {}

    config::mqtt_settings tls_settings(std::uint16_t port, config::mqtt_tls tls) const {
        auto s = settings();
        s.secure = true;
        s.port = port;
        s.brokers = {{s.host, s.port}};
        s.url = "mqtts://127.0.0.1:" + std::to_string(port);
        s.tls = std::move(tls);
        return s;
    }

    // Waits until a logged line contains `text`.
    static bool wait_logged(const captured_log& log, std::string_view text,
                            std::chrono::milliseconds timeout = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            for (const auto& line : log.lines()) {
                if (line.find(text) != std::string::npos)
                    return true;
            }
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }

    std::uint16_t tls_port_;
    std::uint16_t mutual_port_;
};

TEST_F(PahoSinkTls, ConnectsOverTlsVerifyingTheBrokerAgainstTheCa) {
    mqtt_recorder rec(recorder());
    make_sink(tls_settings(tls_port_, {pki().ca_cert.string(), {}, {}, true}));
    start_and_wait_connected();
    on_loop([this] { sink_->publish_state("t/tls", "secret-channel"); });
    EXPECT_TRUE(rec.wait_for_payload("t/tls", "secret-channel"));
}

TEST_F(PahoSinkTls, PresentsItsClientCertificateWhenTheBrokerRequiresOne) {
    mqtt_recorder rec(recorder());
    make_sink(tls_settings(mutual_port_, {pki().ca_cert.string(), pki().client_cert.string(),
                                          pki().client_key.string(), true}));
    start_and_wait_connected();
    ASSERT_TRUE(rec.wait_for_payload(will_topic, "online"));
}

TEST_F(PahoSinkTls, RefusesABrokerSignedByAnotherCaAndSaysSo) {
    captured_log log;
    make_sink(tls_settings(tls_port_, {pki().other_ca_cert.string(), {}, {}, true}));
    on_loop([this] { sink_->start(); });
    EXPECT_TRUE(wait_logged(log, "TLS handshake failed"));
    EXPECT_FALSE(on_loop([this] { return sink_->connected(); }));
}

TEST_F(PahoSinkTls, WithoutVerificationAnyCertificateIsAccepted) {
    make_sink(tls_settings(tls_port_, {pki().other_ca_cert.string(), {}, {}, false}));
    start_and_wait_connected();
}

} // namespace
} // namespace mg::test
