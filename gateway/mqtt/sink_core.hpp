#pragma once
// The broker-facing sink without its client library: start and stop, reconnect after refusals
// the library does not retry itself, delivery (delivery.hpp), inbound routing and error
// reporting. paho_sink derives from it and supplies the library operations; a test can supply
// fakes.
//
// Threading: everything runs on the event loop. A derived class posts what its library reports
// to the loop and calls the on_* members there, through a weak pointer, so nothing outlives the
// object it reports to.

#include "gateway/config/site_config.hpp"
#include "gateway/mqtt/delivery.hpp"
#include "gateway/mqtt/inbound_router.hpp"
#include "gateway/mqtt/sink.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <spdlog/common.h>
#include <string>

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
    void subscribe(std::string_view filter, inbound_handler handler);
    void unsubscribe(std::string_view filter);

    bool connected() const { return delivery_.connected(); }
    std::uint64_t published() const { return delivery_.published(); }
    std::uint64_t received() const { return received_; }
    std::uint64_t dropped() const { return delivery_.dropped(); }
    std::size_t buffered() const { return delivery_.buffered(); }
    std::uint64_t reconnects() const { return reconnects_; }

    // Called with every connection change; points into the owner, cleared when it goes.
    const std::function<void(bool)>* on_change = nullptr;

protected:
    static constexpr std::chrono::seconds retry_min{1};
    static constexpr std::chrono::seconds retry_max{30};
    // How long stop() waits for the broker to confirm what is in flight.
    static constexpr std::chrono::seconds disconnect_timeout{2};
    // Paho's own grace for the disconnect itself, once nothing is in flight.
    static constexpr std::chrono::milliseconds quiet_disconnect{100};

    // The client library, called on the loop.
    // Registers the library's callbacks; called once, from start().
    virtual void install_callbacks() = 0;
    // Starts connecting, with the library's own reconnecting. Throws when the library refuses
    // before trying; the core then retries on its own.
    virtual void connect_now() = 0;
    virtual delivery::send_result send_now(const outbound_message& message, std::uint64_t seq) = 0;
    virtual void subscribe_now(const std::string& filter) = 0;
    virtual void unsubscribe_now(const std::string& filter) = 0;
    // Starts a clean disconnect that ends with on_disconnected(); false when there is no
    // connection to close (reconnecting still stops).
    virtual bool disconnect_now(std::chrono::milliseconds timeout) = 0;

    // What the library reports, posted to the loop.
    // Connected; at most `window` messages may be unconfirmed at a time (the library's limit,
    // or the broker's Receive Maximum).
    void on_connected(std::size_t window);
    void on_connect_failed(const std::string& why);
    void on_connection_lost(const std::string& why);
    void on_message(const inbound_message& message);
    // Message `seq` is done: delivered, refused for good (`refusal` says why), or neither
    // (`ok` false, `refusal` empty) when the connection went and link loss will give it back.
    void on_published(std::uint64_t seq, bool ok, const std::string& refusal);
    void on_disconnected();

    // Logs each distinct problem once until the next successful connect: a broker that stays
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
    // The broker, or the brokers of a failover list, for the log. Paho does not say which
    // one of a list an automatic reconnect reached.
    std::string broker_;

private:
    void connect();
    void schedule_retry();
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
    std::string last_report_;
    std::chrono::seconds retry_delay_ = retry_min;
    boost::asio::steady_timer retry_timer_;
    boost::asio::steady_timer pump_timer_;
    boost::asio::steady_timer stop_timer_;
    std::function<void()> stop_done_;
};

} // namespace mg::mqtt
