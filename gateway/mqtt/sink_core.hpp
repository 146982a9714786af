#pragma once
// The broker-facing sink without its client library: start and stop, the reconnect loop over
// the broker list, delivery (delivery.hpp), inbound routing and error reporting. paho_sink derives
// from it and supplies the library operations; a test can supply fakes.
//
// Threading: everything runs on the event loop. A derived class posts what its library reports
// to the loop and calls the on_* members there, through a weak pointer, so nothing outlives the
// object it reports to.

#include "gateway/config/site_config.hpp"
#include "gateway/mqtt/delivery.hpp"
#include "gateway/mqtt/inbound_gate.hpp"
#include "gateway/mqtt/inbound_router.hpp"
#include "gateway/mqtt/sink.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <spdlog/common.h>
#include <string>
#include <vector>

namespace mg::mqtt {

class sink_core : public std::enable_shared_from_this<sink_core> {
public:
    sink_core(boost::asio::any_io_executor loop, const config::mqtt_settings& settings,
              std::string will_topic);
    virtual ~sink_core() = default;
    sink_core(const sink_core&) = delete;
    sink_core& operator=(const sink_core&) = delete;

    void start();
    void stop(std::function<void()> done);
    void publish_state(std::string_view topic, std::string_view payload, bool always = false);
    void clear_states(std::string_view prefix);
    void publish_event(std::string_view topic, std::string_view payload,
                       std::string_view correlation_data = {});
    void subscribe(std::string_view filter, inbound_handler handler,
                   std::size_t max_payload = default_max_inbound);
    void unsubscribe(std::string_view filter);

    bool connected() const { return delivery_.connected(); }
    std::uint64_t published() const { return delivery_.published(); }
    std::uint64_t received() const { return received_; }
    std::uint64_t dropped() const { return delivery_.dropped(); }
    std::size_t buffered() const { return delivery_.buffered(); }
    std::uint64_t reconnects() const { return reconnects_; }
    std::uint64_t oversize() const { return oversize_; }
    // The broker of the current connection, or of the attempt under way: `host:port`.
    const std::string& broker() const { return brokers_[current_]; }

    // Called with every connection change; points into the owner, cleared when it goes.
    const std::function<void(bool)>* on_change = nullptr;

protected:
    // Between rounds over the broker list, jittered: a round that found no broker waits
    // 1 s, then doubling up to 10 s, so a broker that comes back is found within about 10 s
    // (README "Configure": a list of brokers).
    static constexpr std::chrono::seconds retry_min{1};
    static constexpr std::chrono::seconds retry_max{10};
    // After a loss, the library is given a moment to finish with the old connection: a connect
    // started in the same instant failed with a socket error of the old one, while the new
    // connection went on unnoticed.
    static constexpr std::chrono::milliseconds loss_settle{100};
    // How long stop() waits for the broker to confirm what is in flight.
    static constexpr std::chrono::seconds disconnect_timeout{2};
    // Paho's own grace for the disconnect itself, once nothing is in flight.
    static constexpr std::chrono::milliseconds quiet_disconnect{100};

    // The client library, called on the loop.
    // Registers the library's callbacks; called once, from start().
    virtual void install_callbacks() = 0;
    // Starts one attempt to connect to broker `broker` (an index into settings.brokers), with
    // none of the library's own reconnecting: the core owns the loop. Ends with on_connected()
    // or on_connect_failed(). Throws when the library refuses before trying; the core then
    // goes on with the next broker.
    virtual void connect_now(std::size_t broker) = 0;
    virtual delivery::send_result send_now(const outbound_message& message, std::uint64_t seq) = 0;
    virtual void subscribe_now(const std::string& filter) = 0;
    virtual void unsubscribe_now(const std::string& filter) = 0;
    // Starts a clean disconnect that ends with on_disconnected(); false when there is no
    // connection to close (reconnecting still stops).
    virtual bool disconnect_now(std::chrono::milliseconds timeout) = 0;

    // What the library reports, posted to the loop.
    // Connected; at most `window` messages may be unconfirmed at a time (the library's limit,
    // or the broker's Receive Maximum). `reached`: the broker the library says it reached,
    // when it says so; it wins over the one last asked for.
    void on_connected(std::size_t window, std::optional<std::size_t> reached = std::nullopt);
    void on_connect_failed(const std::string& why);
    void on_connection_lost(const std::string& why);
    // After the gate (gate_), which the library's callback runs on its own thread.
    void on_message(const inbound_message& message);
    // Message `seq` is done: delivered, refused for good (`refusal` says why), or neither
    // (`ok` false, `refusal` empty) when the connection went and link loss will give it back.
    void on_published(std::uint64_t seq, bool ok, const std::string& refusal);
    void on_disconnected();

    // Logs each distinct problem once until the next successful connect: brokers that stay
    // away must not flood the log.
    void report(spdlog::level::level_enum level, std::string text);

    // A library may queue publish confirmations for the loop without waking it, since most
    // arrive while nothing waits for them; it delivers them through on_published here. With
    // `wake_for_next`, the next confirmation it queues also wakes the loop, which then calls
    // settle(). The default suits a library that posts every confirmation to the loop.
    virtual void collect_confirmations(bool wake_for_next) { (void)wake_for_next; }
    // Takes the confirmations queued so far and asks to be woken for the next one only while
    // something waits for it: held-back messages, or stop().
    void settle();

    boost::asio::any_io_executor loop_;
    config::mqtt_settings settings_;
    std::string will_topic_;
    bool stopping_ = false;
    // Shared with the library's callback thread, which may outlive this object briefly.
    std::shared_ptr<inbound_gate> gate_ = std::make_shared<inbound_gate>();

private:
    // One attempt at the current broker, unless one is under way or connected.
    void connect();
    // The current broker failed: the next one now, or after a pause once a whole round failed.
    // The next broker of the list: after `within_round` inside a round, after a pause between
    // rounds.
    void try_next_broker(std::chrono::milliseconds within_round = std::chrono::milliseconds(0));
    void schedule_retry(std::chrono::milliseconds delay);
    void schedule_pump();
    void finish_stop();
    // Disconnects once the broker has confirmed everything in flight, or at once if `force`.
    void disconnect_when_quiet(bool force);
    void notify(bool up);

    delivery delivery_;
    inbound_router router_;
    bool started_ = false;
    bool disconnecting_ = false;
    bool ever_connected_ = false;
    std::uint64_t received_ = 0;
    std::uint64_t reconnects_ = 0;
    std::uint64_t oversize_ = 0;
    // The largest payload each subscribed filter accepts; the gate lets the largest through.
    std::map<std::string, std::size_t, std::less<>> limits_;
    // What report() logged since the last connect, the newest few: a round over several
    // brokers that all fail repeats several distinct lines.
    std::deque<std::string> reported_;
    // `host:port` of each broker of the list, in order.
    std::vector<std::string> brokers_;
    std::size_t current_ = 0;
    // Attempts that failed since the last connect or the last pause.
    std::size_t failed_in_round_ = 0;
    bool attempting_ = false;
    std::chrono::milliseconds retry_delay_ = retry_min;
    std::minstd_rand jitter_{std::random_device{}()};
    boost::asio::steady_timer retry_timer_;
    boost::asio::steady_timer pump_timer_;
    boost::asio::steady_timer stop_timer_;
    std::function<void()> stop_done_;
};

} // namespace mg::mqtt
