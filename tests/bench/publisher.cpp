// mqtt-bench-publisher: the ceiling of the benchmarks (tests/bench/run.sh).
//
// Publishes what the gateway publishes under mosaic-sim's flood, straight to the broker and as
// fast as the broker lets it: the same retained group and timeline topics, payloads shaped like
// the gateway's merged objects with `sent_ns` (CLOCK_MONOTONIC) stamped just before each
// publish. Like the gateway it keeps at most a window of unconfirmed messages inside Paho,
// lowered to the broker's MQTT 5 Receive Maximum, so the two are limited the same way.
//
// Prints one line: sent=... elapsed_s=... rate=... failed=... cpu_us_per_msg=...
// receive_maximum=... window=...

#include "tests/bench/options.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <iostream>
#include <mqtt/async_client.h>
#include <mutex>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

namespace {

using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::string_view usage = R"(usage: mqtt-bench-publisher [options]
  --uri URI          broker (default tcp://127.0.0.1:1883)
  --prefix TOPIC     topics are TOPIC/group/<1-3> and TOPIC/timeline/<1-4>
                     (default mosaic/bench/ceiling)
  --qos Q            0, 1 or 2 (default 1)
  --protocol V       MQTT 3 (3.1.1) or 5 (default 5)
  --count N          messages to publish (default 20000)
  --window W         most unconfirmed messages at a time (default 100, as the gateway)
)";

struct settings {
    std::string uri = "tcp://127.0.0.1:1883";
    std::string prefix = "mosaic/bench/ceiling";
    int qos = 1;
    int protocol = 5;
    std::uint64_t count = 20000;
    std::size_t window = 100;
};

settings parse(int argc, char** argv) {
    mg::bench::arguments args(argc, argv, usage);
    settings s;
    while (args.next()) {
        const auto flag = args.flag();
        if (flag == "--uri")
            s.uri = args.value();
        else if (flag == "--prefix")
            s.prefix = args.value();
        else if (flag == "--qos")
            s.qos = static_cast<int>(args.number(0, 2));
        else if (flag == "--protocol")
            s.protocol = static_cast<int>(args.number(3, 5));
        else if (flag == "--count")
            s.count = args.number(1, UINT32_MAX);
        else if (flag == "--window")
            s.window = args.number(1, 65535);
        else
            args.unknown();
    }
    return s;
}

// CPU time of this process, every thread (Paho's included), in microseconds.
std::int64_t cpu_us() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto us = [](const timeval& t) { return std::int64_t(t.tv_sec) * 1'000'000 + t.tv_usec; };
    return us(usage.ru_utime) + us(usage.ru_stime);
}

std::int64_t monotonic_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch())
        .count();
}

// Message `i` of the run, cycling through the objects the way mosaic-sim's flood does: even
// numbers move a group level, odd ones a timeline position.
struct payload_maker {
    std::string topic;
    std::string payload;

    void make(const std::string& prefix, std::uint64_t i) {
        const auto step = i / 2;
        payload.clear();
        if (i % 2 == 0) {
            const auto num = std::to_string(1 + step % 3);
            topic = prefix + "/group/" + num;
            payload += R"({"level":)" + std::to_string(step % 101) + R"(,"name":"Group )" + num +
                       R"(","num":)" + num;
        } else {
            const auto num = std::to_string(1 + step % 4);
            topic = prefix + "/timeline/" + num;
            payload += R"({"num":)" + num + R"(,"state":"running","onstage":true,"position":)" +
                       std::to_string((step * 40) % 60000);
        }
        payload += R"(,"sent_ns":)" + std::to_string(monotonic_ns()) + "}";
    }
};

// Counts confirmations (PUBACK at QoS 1, the socket write at QoS 0) for the window.
class window_listener final : public mqtt::iaction_listener {
public:
    void on_success(const mqtt::token&) override { done(); }
    void on_failure(const mqtt::token&) override {
        failed_.fetch_add(1);
        done();
    }

    void sent() {
        std::lock_guard lock(mutex_);
        ++unconfirmed_;
    }
    // A publish Paho refused before sending: its slot is free again, and nothing failed.
    void unsent() { done(); }
    void wait_below(std::size_t limit) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return unconfirmed_ < limit; });
    }
    std::uint64_t failed() const { return failed_.load(); }

private:
    void done() {
        {
            std::lock_guard lock(mutex_);
            --unconfirmed_;
        }
        changed_.notify_one();
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    std::size_t unconfirmed_ = 0;
    std::atomic<std::uint64_t> failed_{0};
};

int run(const settings& s) {
    const int version = s.protocol == 3 ? MQTTVERSION_3_1_1 : MQTTVERSION_5;
    mqtt::async_client client(s.uri, "mqtt-bench-publisher-" + std::to_string(::getpid()),
                              mqtt::create_options(version), nullptr);
    auto options = mqtt::connect_options_builder().mqtt_version(version).keep_alive_interval(30s);
    if (version == MQTTVERSION_5)
        options.clean_start(true);
    else
        options.clean_session(true);

    int receive_maximum = 0;
    try {
        auto tok = client.connect(options.finalize());
        tok->wait_for(10s);
        if (version == MQTTVERSION_5) {
            // By value: the properties live in the response, which must outlive the lookup.
            const auto response = tok->get_connect_response();
            const auto& props = response.get_properties();
            if (props.contains(mqtt::property::RECEIVE_MAXIMUM))
                receive_maximum = mqtt::get<uint16_t>(props, mqtt::property::RECEIVE_MAXIMUM);
        }
    } catch (const mqtt::exception& e) {
        std::cerr << "mqtt-bench-publisher: " << e.what() << "\n";
        return 1;
    }
    const auto window =
        receive_maximum > 0 ? std::min(s.window, std::size_t(receive_maximum)) : s.window;

    window_listener confirmations;
    payload_maker m;
    const auto start = steady::now();
    const auto cpu_start = cpu_us();
    for (std::uint64_t i = 0; i < s.count;) {
        confirmations.wait_below(window);
        m.make(s.prefix, i);
        try {
            confirmations.sent();
            client.publish(m.topic, m.payload.data(), m.payload.size(), s.qos, true, nullptr,
                           confirmations);
            ++i;
        } catch (const mqtt::exception& e) {
            // Nothing was sent: give the slot back. A full Paho queue clears as confirmations
            // arrive; anything else (the broker went away) ends the run.
            confirmations.unsent();
            const int rc = e.get_return_code();
            if (rc != MQTTASYNC_MAX_MESSAGES_INFLIGHT && rc != MQTTASYNC_MAX_BUFFERED_MESSAGES &&
                rc != MQTTASYNC_NO_MORE_MSGIDS) {
                std::cerr << "mqtt-bench-publisher: " << e.what() << "\n";
                return 1;
            }
            std::this_thread::sleep_for(100us);
        }
    }
    confirmations.wait_below(1);
    const double elapsed_s = std::chrono::duration<double>(steady::now() - start).count();
    const auto cpu_per_message =
        static_cast<double>(cpu_us() - cpu_start) / static_cast<double>(s.count);
    try {
        client.disconnect()->wait_for(2s);
    } catch (const mqtt::exception&) {
        // Everything was confirmed already; a slow goodbye changes nothing.
    }
    std::cout << "sent=" << s.count << " elapsed_s=" << elapsed_s
              << " rate=" << static_cast<std::uint64_t>(static_cast<double>(s.count) / elapsed_s)
              << " failed=" << confirmations.failed() << " cpu_us_per_msg=" << cpu_per_message
              << " receive_maximum=" << receive_maximum << " window=" << window << std::endl;
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    return run(parse(argc, argv));
}
