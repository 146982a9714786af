// mqtt-bench-subscriber: the measuring end of the benchmarks (tests/bench/run.sh).
//
// Subscribes, counts arrivals and reads `sent_ns` (CLOCK_MONOTONIC nanoseconds, as stamped by
// mosaic-sim's flood or by mqtt-bench-publisher) from each payload, then prints one line of
// key=value results that a shell script can pick apart without a JSON tool:
//
//   received=... measured=... window_s=... rate=... all_window_s=... latency_n=...
//   p50_ms=... p99_ms=... max_ms=... all_p99_ms=... all_max_ms=...
//   first_unix_ns=... last_unix_ns=... done_unix_ns=... reason=count|distinct|idle|timeout
//   [startup_n=... startup_p50_ms=... startup_p99_ms=... startup_max_ms=...]   (--steady-from)
//
// The measured window runs from the first arrival after --warmup messages to the last arrival;
// the rate and p50/p99/max are over it. all_window_s (first to last counted arrival), all_p99
// and all_max cover every counted message. Latency is arrival (CLOCK_MONOTONIC) minus sent_ns,
// so sender and subscriber must share the machine.
//
// With --steady-from FILE, a CLOCK_MONOTONIC time in nanoseconds that the caller writes to FILE
// while the flood runs (when whatever starts up has come up): measured messages sent before it
// are reported apart as startup_*, and measured, window_s, rate, p50, p99 and max cover only
// those sent at or after it, the steady part of the flood.
//
// Messages that arrive with the retained flag are state left by an earlier run; they are
// skipped unless --include-retained is given, so they never skew a rate or a latency.

#include "tests/bench/options.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <mqtt/async_client.h>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unistd.h>
#include <unordered_map>
#include <vector>

namespace {

using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::string_view usage = R"(usage: mqtt-bench-subscriber [options]
  --uri URI              broker (default tcp://127.0.0.1:1883)
  --topic FILTER         subscription filter, repeatable (default #)
  --qos Q                subscription QoS 0, 1 or 2 (default 0)
  --protocol V           MQTT 3 (3.1.1) or 5 (default 5)
  --count N              stop after N counted messages (default 0: no limit)
  --timeout SECONDS      stop after this long in any case (default 60)
  --idle SECONDS         stop when nothing arrived for this long after the first message
                         (default 0: off)
  --warmup N             leave the first N counted messages out of the measured window
                         (default 0)
  --until-payload TEXT   with --distinct: stop once N distinct topics last carried TEXT
  --distinct N           see --until-payload
  --ignore TOPIC         a topic that is never counted, repeatable
  --include-retained     count messages that arrive with the retained flag too
  --steady-from FILE     see above: p50/p99/max of messages sent from the time in FILE on,
                         those sent earlier reported as startup_*
  --latency-file FILE    also write "arrival_ms latency_ms" per measured message, arrival
                         counted from the first one, to look at stalls over time
The line "ready" is printed once every subscription is acknowledged.
)";

struct settings {
    std::string uri = "tcp://127.0.0.1:1883";
    std::vector<std::string> filters;
    int qos = 0;
    int protocol = 5;
    std::uint64_t count = 0;
    double timeout_s = 60;
    double idle_s = 0;
    std::uint64_t warmup = 0;
    std::string until_payload;
    std::uint64_t distinct = 0;
    std::set<std::string, std::less<>> ignored;
    bool include_retained = false;
    std::string latency_file;
    std::string steady_from_file;
};

settings parse(int argc, char** argv) {
    mg::bench::arguments args(argc, argv, usage);
    settings s;
    while (args.next()) {
        const auto flag = args.flag();
        if (flag == "--uri")
            s.uri = args.value();
        else if (flag == "--topic")
            s.filters.emplace_back(args.value());
        else if (flag == "--qos")
            s.qos = static_cast<int>(args.number(0, 2));
        else if (flag == "--protocol")
            s.protocol = static_cast<int>(args.number(3, 5));
        else if (flag == "--count")
            s.count = args.number(0, UINT32_MAX);
        else if (flag == "--timeout")
            s.timeout_s = args.seconds();
        else if (flag == "--idle")
            s.idle_s = args.seconds();
        else if (flag == "--warmup")
            s.warmup = args.number(0, UINT32_MAX);
        else if (flag == "--until-payload")
            s.until_payload = args.value();
        else if (flag == "--distinct")
            s.distinct = args.number(1, UINT32_MAX);
        else if (flag == "--ignore")
            s.ignored.emplace(args.value());
        else if (flag == "--include-retained")
            s.include_retained = true;
        else if (flag == "--latency-file")
            s.latency_file = args.value();
        else if (flag == "--steady-from")
            s.steady_from_file = args.value();
        else
            args.unknown();
    }
    if (s.filters.empty())
        s.filters.emplace_back("#");
    if (s.distinct > 0 && s.until_payload.empty())
        args.fail("--distinct needs --until-payload");
    return s;
}

std::int64_t monotonic_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch())
        .count();
}

std::int64_t unix_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The number after "sent_ns": in a compact JSON payload, found by text: a full parse per
// message would cost the measuring end more than the latency it measures.
std::optional<std::int64_t> sent_ns_of(std::string_view payload) {
    constexpr std::string_view key = "\"sent_ns\":";
    const auto at = payload.find(key);
    if (at == std::string_view::npos)
        return std::nullopt;
    std::int64_t value = 0;
    const char* first = payload.data() + at + key.size();
    const auto [ptr, ec] = std::from_chars(first, payload.data() + payload.size(), value);
    if (ec != std::errc{} || ptr == first)
        return std::nullopt;
    return value;
}

// What the callback thread records; read by the main thread under the same lock.
struct tally {
    std::mutex mutex;
    std::condition_variable changed;
    std::uint64_t counted = 0;
    std::int64_t start_ns = 0; // monotonic arrival of the first counted message
    std::int64_t first_ns = 0; // monotonic arrival of the first measured message
    std::int64_t last_ns = 0;  // monotonic arrival of the latest measured message
    std::int64_t first_unix_ns = 0;
    std::int64_t last_unix_ns = 0;
    std::int64_t last_arrival_ns = 0;               // any counted message, for --idle
    std::vector<std::int64_t> latencies_ns;         // the measured window
    std::vector<std::int64_t> warmup_latencies_ns;  // before it
    std::vector<std::int64_t> arrivals_ns; // with --latency-file or --steady-from
    std::vector<std::int64_t> sent_ns;     // with --steady-from
    std::unordered_map<std::string, bool> matching; // topic -> last payload was the wanted one
    std::uint64_t matching_count = 0;
    std::int64_t done_unix_ns = 0; // when --count or --distinct was first met
};

class subscriber {
public:
    explicit subscriber(settings s) : settings_(std::move(s)) {
        if (settings_.count > 0)
            tally_.latencies_ns.reserve(settings_.count);
    }

    void on_message(const mqtt::const_message_ptr& m) {
        const auto arrived = monotonic_ns();
        if (!m || (m->is_retained() && !settings_.include_retained))
            return;
        const auto& topic = m->get_topic();
        if (settings_.ignored.contains(topic))
            return;
        const auto payload = m->get_payload_ref();
        const std::string_view text(payload.data(), payload.size());
        {
            std::lock_guard lock(tally_.mutex);
            const auto index = tally_.counted++;
            tally_.last_arrival_ns = arrived;
            if (index == 0)
                tally_.start_ns = arrived;
            const auto sent = sent_ns_of(text);
            if (index < settings_.warmup) {
                if (sent)
                    tally_.warmup_latencies_ns.push_back(arrived - *sent);
            } else {
                if (tally_.first_ns == 0) {
                    tally_.first_ns = arrived;
                    tally_.first_unix_ns = unix_ns();
                }
                tally_.last_ns = arrived;
                tally_.last_unix_ns = unix_ns();
                if (sent) {
                    tally_.latencies_ns.push_back(arrived - *sent);
                    if (!settings_.latency_file.empty() || !settings_.steady_from_file.empty())
                        tally_.arrivals_ns.push_back(arrived);
                    if (!settings_.steady_from_file.empty())
                        tally_.sent_ns.push_back(*sent);
                }
            }
            if (settings_.distinct > 0) {
                const bool wanted = text == settings_.until_payload;
                auto [it, inserted] = tally_.matching.try_emplace(topic, false);
                if (it->second != wanted) {
                    it->second = wanted;
                    tally_.matching_count += wanted ? 1 : std::uint64_t(-1);
                }
            }
            const bool done =
                (settings_.count > 0 && tally_.counted >= settings_.count) ||
                (settings_.distinct > 0 && tally_.matching_count >= settings_.distinct);
            if (done && tally_.done_unix_ns == 0)
                tally_.done_unix_ns = unix_ns();
        }
        tally_.changed.notify_one();
    }

    int run() {
        const int version = settings_.protocol == 3 ? MQTTVERSION_3_1_1 : MQTTVERSION_5;
        mqtt::async_client client(settings_.uri,
                                  "mqtt-bench-subscriber-" + std::to_string(::getpid()),
                                  mqtt::create_options(version), nullptr);
        client.set_message_callback([this](mqtt::const_message_ptr m) { on_message(m); });
        auto options = mqtt::connect_options_builder().mqtt_version(version);
        if (version == MQTTVERSION_5)
            options.clean_start(true);
        else
            options.clean_session(true);
        try {
            client.connect(options.keep_alive_interval(30s).finalize())->wait_for(10s);
            for (const auto& filter : settings_.filters)
                client.subscribe(filter, settings_.qos)->wait_for(10s);
        } catch (const mqtt::exception& e) {
            std::cerr << "mqtt-bench-subscriber: " << e.what() << "\n";
            return 1;
        }
        std::cout << "ready" << std::endl;

        const auto reason = wait();
        try {
            client.disconnect()->wait_for(2s);
        } catch (const mqtt::exception&) {
            // The results are already in; a slow goodbye changes nothing.
        }
        report(reason);
        return 0;
    }

private:
    std::string_view wait() {
        const auto deadline =
            steady::now() + std::chrono::duration_cast<steady::duration>(
                                std::chrono::duration<double>(settings_.timeout_s));
        const auto idle_ns = static_cast<std::int64_t>(settings_.idle_s * 1e9);
        std::unique_lock lock(tally_.mutex);
        for (;;) {
            if (settings_.count > 0 && tally_.counted >= settings_.count)
                return "count";
            if (settings_.distinct > 0 && tally_.matching_count >= settings_.distinct)
                return "distinct";
            if (idle_ns > 0 && tally_.counted > 0 &&
                monotonic_ns() - tally_.last_arrival_ns >= idle_ns)
                return "idle";
            if (steady::now() >= deadline)
                return "timeout";
            // Woken by each message; the short period re-checks the idle and overall deadlines.
            tally_.changed.wait_for(lock, 50ms);
        }
    }

    // The time in --steady-from's file, if it was written.
    std::optional<std::int64_t> steady_from() const {
        if (settings_.steady_from_file.empty())
            return std::nullopt;
        std::ifstream in(settings_.steady_from_file);
        std::int64_t value = 0;
        if (!(in >> value))
            return std::nullopt;
        return value;
    }

    void report(std::string_view reason) {
        std::lock_guard lock(tally_.mutex);
        auto measured = tally_.counted > settings_.warmup ? tally_.counted - settings_.warmup : 0;
        double window_s = static_cast<double>(tally_.last_ns - tally_.first_ns) / 1e9;
        auto& l = tally_.latencies_ns;
        if (!settings_.latency_file.empty()) {
            std::ofstream out(settings_.latency_file);
            for (std::size_t i = 0; i < l.size(); ++i)
                out << static_cast<double>(tally_.arrivals_ns[i] - tally_.first_ns) / 1e6 << ' '
                    << static_cast<double>(l[i]) / 1e6 << '\n';
        }
        std::vector<std::int64_t> all(tally_.warmup_latencies_ns);
        all.insert(all.end(), l.begin(), l.end());
        // Split at --steady-from: the start-up part aside, the rest is what is measured.
        std::vector<std::int64_t> startup;
        const auto split = steady_from();
        if (split) {
            std::vector<std::int64_t> kept;
            std::int64_t first = 0, last = 0;
            for (std::size_t i = 0; i < l.size(); ++i) {
                if (tally_.sent_ns[i] < *split) {
                    startup.push_back(l[i]);
                    continue;
                }
                kept.push_back(l[i]);
                const auto at = tally_.arrivals_ns[i];
                first = first == 0 ? at : std::min(first, at);
                last = std::max(last, at);
            }
            l = std::move(kept);
            measured = l.size();
            window_s = static_cast<double>(last - first) / 1e9;
        }
        // n arrivals span n-1 intervals.
        const double rate =
            measured > 1 && window_s > 0 ? static_cast<double>(measured - 1) / window_s : 0;
        std::sort(l.begin(), l.end());
        std::sort(all.begin(), all.end());
        std::sort(startup.begin(), startup.end());
        const auto percentile_ms = [](const std::vector<std::int64_t>& sorted, double p) {
            if (sorted.empty())
                return 0.0;
            const auto last = static_cast<double>(sorted.size() - 1);
            return static_cast<double>(sorted[static_cast<std::size_t>(p * last + 0.5)]) / 1e6;
        };
        const double all_window_s =
            static_cast<double>(tally_.last_arrival_ns - tally_.start_ns) / 1e9;
        std::cout << "received=" << tally_.counted << " measured=" << measured
                  << " window_s=" << window_s << " rate=" << static_cast<std::uint64_t>(rate)
                  << " all_window_s=" << all_window_s << " latency_n=" << l.size()
                  << " p50_ms=" << percentile_ms(l, 0.50) << " p99_ms=" << percentile_ms(l, 0.99)
                  << " max_ms=" << percentile_ms(l, 1.0)
                  << " all_p99_ms=" << percentile_ms(all, 0.99)
                  << " all_max_ms=" << percentile_ms(all, 1.0)
                  << " first_unix_ns=" << tally_.first_unix_ns
                  << " last_unix_ns=" << tally_.last_unix_ns
                  << " done_unix_ns=" << tally_.done_unix_ns << " reason=" << reason;
        if (split)
            std::cout << " startup_n=" << startup.size()
                      << " startup_p50_ms=" << percentile_ms(startup, 0.50)
                      << " startup_p99_ms=" << percentile_ms(startup, 0.99)
                      << " startup_max_ms=" << percentile_ms(startup, 1.0);
        std::cout << std::endl;
    }

    settings settings_;
    tally tally_;
};

} // namespace

int main(int argc, char** argv) {
    subscriber s(parse(argc, argv));
    return s.run();
}
