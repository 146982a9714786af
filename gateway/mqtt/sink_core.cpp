#include "gateway/mqtt/sink_core.hpp"

#include "gateway/config/url.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <fstream>
#include <spdlog/spdlog.h>
#include <utility>

namespace mg::mqtt {

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// A send refused for lack of room with nothing in flight has no completion to wait for.
constexpr auto pump_retry = 100ms;
// If the library never reports the disconnect, stop() still finishes shortly after its timeout.
constexpr auto stop_grace = 500ms;

constexpr std::string_view online_payload = "online";

std::vector<std::string> broker_names(const config::mqtt_settings& s) {
    std::vector<std::string> names;
    for (const auto& b : s.brokers)
        names.push_back(config::host_and_port(b.host, b.port));
    if (names.empty())
        names.push_back(config::host_and_port(s.host, s.port));
    return names;
}
constexpr std::string_view offline_payload = "offline";

} // namespace

sink_core::sink_core(asio::any_io_executor loop, const config::mqtt_settings& settings,
                     std::string will_topic)
    : loop_(loop), settings_(settings), will_topic_(std::move(will_topic)),
      delivery_(settings.buffer_messages,
                {[this](const outbound_message& m, std::uint64_t seq) { return send_now(m, seq); },
                 [this] { schedule_pump(); }}),
      brokers_(broker_names(settings)), retry_timer_(loop), pump_timer_(loop), stop_timer_(loop) {}

void sink_core::start() {
    if (started_ || stopping_)
        return;
    started_ = true;
    install_callbacks();
    // Availability belongs to the connection: `online` with every connect, the will otherwise.
    delivery_.publish_state(will_topic_, online_payload);
    // The library reports an unreadable CA or key only as a failed connect; say which file.
    if (settings_.secure && settings_.tls) {
        const auto& tls = *settings_.tls;
        for (const auto& [what, path] :
             {std::pair{"CA file", &tls.ca_file}, std::pair{"certificate file", &tls.cert_file},
              std::pair{"key file", &tls.key_file}}) {
            if (!path->empty() && !std::ifstream(*path).good())
                report(spdlog::level::err,
                       "mqtt: TLS " + std::string(what) + " " + *path + " cannot be read");
        }
    }
    connect();
}

void sink_core::connect() {
    if (stopping_ || attempting_ || connected())
        return;
    attempting_ = true;
    try {
        connect_now(current_);
    } catch (const std::exception& e) {
        // Refused before trying: no result will come for this attempt.
        attempting_ = false;
        report(spdlog::level::err, "mqtt: cannot connect to " + broker() + ": " + e.what());
        try_next_broker();
    }
}

void sink_core::try_next_broker(std::chrono::milliseconds within_round) {
    current_ = (current_ + 1) % brokers_.size();
    if (++failed_in_round_ < brokers_.size()) {
        schedule_retry(within_round);
        return;
    }
    // Every broker failed once: pause, jittered in [d/2, d], so that many gateways behind
    // one broker do not come back in lock-step.
    failed_in_round_ = 0;
    const auto d = retry_delay_.count();
    const auto pause =
        std::chrono::milliseconds(std::uniform_int_distribution<std::int64_t>(d / 2, d)(jitter_));
    retry_delay_ = std::min<std::chrono::milliseconds>(retry_delay_ * 2, retry_max);
    schedule_retry(pause);
}

void sink_core::schedule_retry(std::chrono::milliseconds delay) {
    retry_timer_.expires_after(delay);
    retry_timer_.async_wait([self = weak_from_this()](boost::system::error_code ec) {
        if (const auto s = self.lock(); s && !ec)
            s->connect();
    });
}

void sink_core::schedule_pump() {
    pump_timer_.expires_after(pump_retry);
    pump_timer_.async_wait([self = weak_from_this()](boost::system::error_code ec) {
        if (const auto s = self.lock(); s && !ec && !s->stopping_) {
            s->delivery_.pump();
            s->settle();
        }
    });
}

void sink_core::on_connected(std::size_t window, std::optional<std::size_t> reached) {
    attempting_ = false;
    if (reached && *reached < brokers_.size())
        current_ = *reached;
    if (stopping_) {
        disconnect_now(0ms); // a reconnect that raced stop()
        return;
    }
    failed_in_round_ = 0;
    retry_timer_.cancel();
    retry_delay_ = retry_min;
    if (ever_connected_)
        ++reconnects_;
    ever_connected_ = true;
    reported_.clear();
    if (brokers_.size() > 1)
        spdlog::info("mqtt: connected to {} (broker {} of {}) as {} (MQTT {})", broker(),
                     current_ + 1, brokers_.size(), settings_.client_id,
                     settings_.protocol == 3 ? "3.1.1" : "5");
    else
        spdlog::info("mqtt: connected to {} as {} (MQTT {})", broker(), settings_.client_id,
                     settings_.protocol == 3 ? "3.1.1" : "5");
    for (const auto& r : router_.routes()) {
        if (r.handler)
            subscribe_now(r.filter);
    }
    delivery_.publish_state(will_topic_, online_payload);
    delivery_.link_up(window);
    settle();
    notify(true);
}

void sink_core::on_connect_failed(const std::string& why) {
    attempting_ = false;
    if (stopping_)
        return;
    report(spdlog::level::err, "mqtt: cannot connect to " + broker() + ": " + why);
    try_next_broker();
}

void sink_core::on_connection_lost(const std::string& why) {
    if (!connected())
        return;
    // What was confirmed before the loss is delivered; only the rest is held again.
    collect_confirmations(false);
    pump_timer_.cancel();
    delivery_.link_down();
    report(spdlog::level::warn,
           "mqtt: connection to " + broker() + " lost" + (why.empty() ? "" : ": " + why));
    notify(false);
    // Whichever broker was lost, the others are tried at once (loss_settle), in list order
    // after it; the lost one only after a pause, then rounds over the whole list until one
    // answers, for as long as the gateway runs.
    if (!stopping_) {
        failed_in_round_ = 0;
        try_next_broker(loss_settle);
    }
}

void sink_core::on_message(const inbound_message& message) {
    if (stopping_)
        return;
    ++received_;
    if (message.oversize > 0) {
        ++oversize_;
        spdlog::debug("mqtt: {} bytes on {}: over the limit of {}, not read", message.oversize,
                      message.topic, gate_->limit());
    }
    router_.dispatch(message);
}

void sink_core::on_published(std::uint64_t seq, bool ok, const std::string& refusal) {
    if (ok) {
        delivery_.confirmed(seq);
    } else if (!refusal.empty()) {
        report(spdlog::level::err, refusal);
        delivery_.confirmed(seq, true);
    }
    if (stopping_)
        disconnect_when_quiet(false);
}

void sink_core::publish_state(std::string_view topic, std::string_view payload, bool always) {
    if (stopping_)
        return;
    if (!delivery_.publish_state(topic, payload, always))
        report(spdlog::level::err,
               "mqtt: not publishing to invalid topic '" + std::string(topic) + "'");
    settle();
}

void sink_core::clear_states(std::string_view prefix) {
    if (stopping_)
        return;
    delivery_.clear_states(prefix);
    settle();
}

void sink_core::publish_event(std::string_view topic, std::string_view payload,
                              std::string_view correlation_data) {
    if (stopping_)
        return;
    if (!delivery_.publish_event(topic, payload, correlation_data))
        report(spdlog::level::err,
               "mqtt: not publishing to invalid topic '" + std::string(topic) + "'");
    settle();
}

void sink_core::subscribe(std::string_view filter, inbound_handler handler,
                          std::size_t max_payload) {
    auto& limit = limits_[std::string(filter)];
    limit = std::max(limit, max_payload);
    gate_->set_limit(std::max(gate_->limit(), max_payload));
    router_.add(std::string(filter), std::move(handler));
    if (connected() && !stopping_)
        subscribe_now(router_.routes().back().filter);
}

void sink_core::unsubscribe(std::string_view filter) {
    if (const auto it = limits_.find(filter); it != limits_.end()) {
        limits_.erase(it);
        std::size_t largest = 0;
        for (const auto& [f, limit] : limits_)
            largest = std::max(largest, limit);
        gate_->set_limit(largest);
    }
    router_.remove(filter);
    if (connected() && !stopping_)
        unsubscribe_now(std::string(filter));
}

void sink_core::stop(std::function<void()> done) {
    if (!done)
        done = [] {};
    if (stopping_) {
        // Answer once the first stop has finished, or now if it has.
        if (stop_done_)
            stop_done_ = [first = std::move(stop_done_), done = std::move(done)] {
                first();
                done();
            };
        else
            asio::post(loop_, std::move(done));
        return;
    }
    stopping_ = true;
    stop_done_ = std::move(done);
    retry_timer_.cancel();
    pump_timer_.cancel();
    if (!started_) {
        finish_stop();
        return;
    }
    // The last word, sent past any backlog: the will says the same, but only on a broken link.
    delivery_.publish_state_now(will_topic_, offline_payload);
    if (const auto left = delivery_.buffered(); left > 0)
        report(spdlog::level::warn,
               "mqtt: stopping with " + std::to_string(left) + " messages not delivered");
    stop_timer_.expires_after(disconnect_timeout);
    stop_timer_.async_wait([self = weak_from_this()](boost::system::error_code ec) {
        if (const auto s = self.lock(); s && !ec)
            s->disconnect_when_quiet(true);
    });
    settle();
    disconnect_when_quiet(false);
}

void sink_core::disconnect_when_quiet(bool force) {
    if (disconnecting_ || (!force && delivery_.unconfirmed() > 0))
        return;
    disconnecting_ = true;
    stop_timer_.cancel();
    if (!disconnect_now(quiet_disconnect)) {
        finish_stop();
        return;
    }
    stop_timer_.expires_after(quiet_disconnect + stop_grace);
    stop_timer_.async_wait([self = weak_from_this()](boost::system::error_code ec) {
        if (const auto s = self.lock(); s && !ec)
            s->finish_stop();
    });
}

void sink_core::on_disconnected() {
    finish_stop();
}

void sink_core::finish_stop() {
    if (!stop_done_)
        return;
    stop_timer_.cancel();
    if (connected()) {
        delivery_.link_down();
        notify(false);
    }
    asio::post(loop_, std::exchange(stop_done_, nullptr));
}

void sink_core::settle() {
    collect_confirmations(false);
    // Collecting can hand over held messages and fill the window again, so look only now.
    if (delivery_.unconfirmed() > 0 && (stopping_ || delivery_.held_back()))
        collect_confirmations(true);
}

void sink_core::notify(bool up) {
    if (on_change && *on_change)
        (*on_change)(up);
}

void sink_core::report(spdlog::level::level_enum level, std::string text) {
    constexpr std::size_t remembered = 16;
    if (std::find(reported_.begin(), reported_.end(), text) != reported_.end())
        return;
    spdlog::log(level, "{}", text);
    reported_.push_back(std::move(text));
    if (reported_.size() > remembered)
        reported_.pop_front();
}

} // namespace mg::mqtt
