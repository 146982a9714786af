// The only place that includes Paho: sink_core's library operations, and Paho's callbacks
// posted to the event loop.

#include "gateway/mqtt/paho_sink.hpp"

#include "gateway/config/url.hpp"
#include "gateway/mqtt/sink_core.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <mqtt/async_client.h>
#include <spdlog/spdlog.h>
#include <stdexcept>
#include <utility>

namespace mg::mqtt {

namespace {

namespace asio = boost::asio;
namespace paho = ::mqtt;
using namespace std::chrono_literals;

constexpr auto keep_alive = 30s;
constexpr auto connect_timeout = 10s;
// At most this many messages are inside Paho unconfirmed. Past the window retained state
// coalesces per topic, so when the broker falls behind, the newest value of a topic waits behind
// at most this many messages rather than a long queue: under a flood it reaches subscribers in
// milliseconds instead of hundreds of them, and fewer superseded values cost CPU
// (BENCHMARKS.md). On a LAN, 100 unconfirmed still carry tens of thousands of messages a second.
// Lowered to the broker's Receive Maximum under MQTT 5: Paho stalls for about a second whenever
// it holds more than that (mosquitto announces 20).
constexpr std::size_t send_window_max = 100;
constexpr int paho_buffer = 2 * static_cast<int>(send_window_max);

enum class operation { connect, publish, subscribe, disconnect };

// What a Paho token reported, copied out on Paho's thread so the loop never sees the token.
struct op_result {
    bool ok = false;
    int rc = 0;
    int reason = 0;
    std::string error;
    std::uint64_t seq = 0;
    std::string topic;
    std::size_t receive_maximum = 0; // from CONNACK; 0: not announced
    std::string server_uri;          // the broker a connect reached
};

// Paho's codes for "not now" rather than "never": the message is kept and sent later.
bool is_transient(int rc) {
    return rc == MQTTASYNC_DISCONNECTED || rc == MQTTASYNC_MAX_MESSAGES_INFLIGHT ||
           rc == MQTTASYNC_NO_MORE_MSGIDS || rc == MQTTASYNC_OPERATION_INCOMPLETE ||
           rc == MQTTASYNC_MAX_BUFFERED_MESSAGES || rc == MQTTASYNC_MAX_BUFFERED;
}

// An MQTT 5 reason code by which the broker refused something (v3 results carry 255).
bool broker_refused(int reason) {
    return reason >= 0x80 && reason != paho::MQTTPP_V3_CODE;
}

// The CONNACK return codes of MQTT 3.1.1, which Paho passes on as the failure code.
std::string v3_connack_text(int rc) {
    constexpr const char* texts[] = {"unacceptable protocol version", "client identifier rejected",
                                     "server unavailable", "bad user name or password",
                                     "not authorized"};
    return rc >= 1 && rc <= 5 ? texts[rc - 1] : "";
}

std::string server_uri(bool secure, const config::broker_address& b) {
    return std::string(secure ? "ssl://" : "tcp://") + config::host_and_port(b.host, b.port);
}

// Each connect attempt names one broker of the list: the sink's own loop picks it (sink_core).
// Paho's automatic reconnect over a server list kept to the broker it had, so a gateway failed
// over to the second broker never came back to the first when the second was lost.
std::vector<std::string> server_uris(const config::mqtt_settings& s) {
    std::vector<std::string> out;
    for (const auto& b : s.brokers)
        out.push_back(server_uri(s.secure, b));
    if (out.empty())
        out.push_back(server_uri(s.secure, {s.host, s.port}));
    return out;
}

// Paho 1.2 has no accessor for a token's failure text; a completed token rethrows it,
// message included, from wait() without blocking.
std::string failure_text(const paho::token& tok) {
    try {
        const_cast<paho::token&>(tok).wait();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "MQTT error [" + std::to_string(tok.get_return_code()) + "]";
}

std::string property_text(const paho::properties& props, paho::property::code code) {
    return props.contains(code) ? paho::get<std::string>(props, code) : std::string();
}

class paho_core final : public sink_core {
public:
    paho_core(asio::any_io_executor loop, const config::mqtt_settings& settings,
              std::string will_topic);
    ~paho_core() override;

private:
    // Relays a token's completion to the loop; one per kind of operation, alive as long as
    // the client whose tokens point to it.
    class listener final : public paho::iaction_listener {
    public:
        explicit listener(operation kind) : kind_(kind) {}
        void bind(paho_core& core) {
            core_ = &core;
            self_ = core.weak_self();
        }
        void on_success(const paho::token& tok) override { relay(tok, true); }
        void on_failure(const paho::token& tok) override { relay(tok, false); }

    private:
        void relay(const paho::token& tok, bool ok);
        void relay_confirmation(const paho::token& tok);
        operation kind_;
        // Paho's threads use only what never changes after bind(): the core's loop executor
        // and confirmation queue.
        paho_core* core_ = nullptr;
        std::weak_ptr<paho_core> self_;
    };

    std::weak_ptr<paho_core> weak_self() {
        return std::static_pointer_cast<paho_core>(shared_from_this());
    }
    void install_callbacks() override;
    void connect_now(std::size_t broker) override;
    delivery::send_result send_now(const outbound_message& message, std::uint64_t seq) override;
    void subscribe_now(const std::string& filter) override;
    void unsubscribe_now(const std::string& filter) override;
    bool disconnect_now(std::chrono::milliseconds timeout) override;
    void collect_confirmations(bool wake_for_next) override;

    paho::connect_options connect_options(std::size_t broker) const;
    void on_result(operation kind, const op_result& result);

    std::vector<std::string> uris_;
    std::size_t receive_maximum_ = 0;
    // Each connect attempt is numbered (the token's user context): a result of an earlier one
    // never decides about the current one.
    std::uint64_t attempt_ = 0;
    std::optional<std::size_t> reached_; // which of uris_ the last successful connect reached
    // Publish confirmations wait here, run on the loop by collect_confirmations(): waking the
    // loop for each one cost more than the rest of a message's way through the gateway
    // (BENCHMARKS.md). Paho's threads only post to it. Declared before the listeners, which
    // refer to it, and the client, whose threads call them.
    asio::io_context confirmations_;
    asio::executor_work_guard<asio::io_context::executor_type> confirmations_work_ =
        asio::make_work_guard(confirmations_);
    // Set by the loop while it waits for a confirmation: the next one also wakes it.
    std::atomic<bool> wake_for_confirmation_{false};
    listener connect_listener_{operation::connect};
    listener publish_listener_{operation::publish};
    listener subscribe_listener_{operation::subscribe};
    listener disconnect_listener_{operation::disconnect};
    // Last, so it goes first: no token may outlive the listeners it points to.
    std::unique_ptr<paho::async_client> client_;
};

void paho_core::listener::relay_confirmation(const paho::token& tok) {
    const auto seq = reinterpret_cast<std::uintptr_t>(tok.get_user_context());
    asio::post(core_->confirmations_,
               [core = core_, seq] { core->on_published(seq, true, std::string()); });
    if (core_->wake_for_confirmation_.exchange(false)) {
        asio::post(core_->loop_, [self = self_] {
            if (const auto s = self.lock())
                s->settle();
        });
    }
}

void paho_core::listener::relay(const paho::token& tok, bool ok) {
    if (kind_ == operation::publish && ok) {
        relay_confirmation(tok);
        return;
    }
    op_result r;
    r.ok = ok;
    r.rc = tok.get_return_code();
    r.reason = static_cast<int>(tok.get_reason_code());
    r.seq = reinterpret_cast<std::uintptr_t>(tok.get_user_context());
    if (!ok)
        r.error = failure_text(tok);
    if (kind_ == operation::connect && ok) {
        try {
            const auto response = tok.get_connect_response();
            r.server_uri = response.get_server_uri();
            const auto& props = response.get_properties();
            if (props.contains(paho::property::RECEIVE_MAXIMUM))
                r.receive_maximum = paho::get<uint16_t>(props, paho::property::RECEIVE_MAXIMUM);
        } catch (const paho::exception&) {
        }
    }
    if (kind_ == operation::subscribe) {
        if (const auto topics = tok.get_topics(); topics && !topics->empty())
            r.topic = (*topics)[0];
    }
    if (kind_ == operation::publish && !ok) {
        if (const auto* d = dynamic_cast<const paho::delivery_token*>(&tok); d && d->get_message())
            r.topic = d->get_message()->get_topic();
    }
    asio::post(core_->loop_, [self = self_, kind = kind_, r = std::move(r)] {
        if (const auto s = self.lock())
            s->on_result(kind, r);
    });
}

paho_core::paho_core(asio::any_io_executor loop, const config::mqtt_settings& settings,
                     std::string will_topic)
    : sink_core(std::move(loop), settings, std::move(will_topic)), uris_(server_uris(settings)) {
    const int version = settings_.protocol == 3 ? MQTTVERSION_3_1_1 : MQTTVERSION_5;
    try {
        client_ = std::make_unique<paho::async_client>(uris_.front(), settings_.client_id,
                                                       paho::create_options_builder()
                                                           .mqtt_version(version)
                                                           .max_buffered_messages(paho_buffer)
                                                           .finalize(),
                                                       nullptr);
    } catch (const paho::exception& e) {
        throw std::invalid_argument("mqtt: cannot use broker " + uris_.front() + ": " + e.what());
    }
}

paho_core::~paho_core() {
    // Narrows what Paho's threads may still call while the client is torn down; the posted
    // work they leave behind finds this object gone and does nothing.
    try {
        client_->disable_callbacks();
    } catch (const paho::exception&) {
    }
}

void paho_core::install_callbacks() {
    for (auto* l :
         {&connect_listener_, &publish_listener_, &subscribe_listener_, &disconnect_listener_})
        l->bind(*this);
    const auto self = weak_self();
    auto loop = loop_;
    client_->set_connected_handler([self, loop](const std::string&) {
        asio::post(loop, [self] {
            // The connect token's success, posted just before, brought the Receive Maximum.
            if (const auto s = self.lock())
                s->on_connected(s->receive_maximum_ > 0
                                    ? std::min(send_window_max, s->receive_maximum_)
                                    : send_window_max,
                                s->reached_);
        });
    });
    client_->set_connection_lost_handler([self, loop](const std::string& cause) {
        asio::post(loop, [self, cause] {
            if (const auto s = self.lock())
                s->on_connection_lost(cause);
        });
    });
    // The gate runs here, on Paho's thread, before any payload is copied.
    client_->set_message_callback([self, loop, gate = gate_](paho::const_message_ptr message) {
        if (!message)
            return;
        const auto& props = message->get_properties();
        auto admitted = gate->admit(message->get_topic(), message->get_payload(),
                                    property_text(props, paho::property::RESPONSE_TOPIC),
                                    property_text(props, paho::property::CORRELATION_DATA),
                                    message->is_retained());
        asio::post(loop, [self, admitted = std::move(admitted)] {
            if (const auto s = self.lock())
                s->on_message(admitted);
        });
    });
    if (settings_.protocol != 3) {
        client_->set_disconnected_handler(
            [self, loop](const paho::properties&, paho::ReasonCode reason) {
                asio::post(loop, [self, reason] {
                    if (const auto s = self.lock())
                        s->on_connection_lost("broker closed it: " +
                                              paho::exception::reason_code_str(reason));
                });
            });
    }
}

paho::connect_options paho_core::connect_options(std::size_t broker) const {
    paho::connect_options_builder b;
    if (settings_.protocol == 3)
        b.mqtt_version(MQTTVERSION_3_1_1).clean_session(true);
    else
        b.mqtt_version(MQTTVERSION_5).clean_start(true);
    b.keep_alive_interval(keep_alive)
        .connect_timeout(connect_timeout)
        .will(paho::will_options(will_topic_, std::string("offline"), settings_.qos, true));
    b.servers(std::make_shared<paho::string_collection>(
        std::vector<std::string>{uris_.at(broker % uris_.size())}));
    if (!settings_.username.empty())
        b.user_name(settings_.username);
    if (!settings_.password.empty())
        b.password(settings_.password);
    if (settings_.secure) {
        // No error handler: Paho 1.2 keeps a pointer to a temporary copy of these options
        // for it, which would dangle by the time a handshake fails.
        paho::ssl_options ssl;
        const auto tls = settings_.tls.value_or(config::mqtt_tls{});
        if (!tls.ca_file.empty())
            ssl.set_trust_store(tls.ca_file);
        if (!tls.cert_file.empty())
            ssl.set_key_store(tls.cert_file);
        if (!tls.key_file.empty())
            ssl.set_private_key(tls.key_file);
        ssl.set_enable_server_cert_auth(tls.verify);
        ssl.set_verify(tls.verify);
        b.ssl(std::move(ssl));
    }
    return b.finalize();
}

void paho_core::connect_now(std::size_t broker) {
    reached_.reset();
    client_->connect(connect_options(broker),
                     reinterpret_cast<void*>(static_cast<std::uintptr_t>(++attempt_)),
                     connect_listener_);
}

delivery::send_result paho_core::send_now(const outbound_message& m, std::uint64_t seq) {
    auto message = paho::message::create(m.topic, m.payload.data(), m.payload.size(), settings_.qos,
                                         m.retained);
    if (!m.correlation_data.empty() && settings_.protocol != 3) {
        paho::properties props;
        props.add(
            paho::property(paho::property::CORRELATION_DATA, paho::binary_ref(m.correlation_data)));
        message->set_properties(std::move(props));
    }
    try {
        client_->publish(message, reinterpret_cast<void*>(static_cast<std::uintptr_t>(seq)),
                         publish_listener_);
    } catch (const paho::exception& e) {
        if (is_transient(e.get_return_code()))
            return delivery::send_result::later;
        report(spdlog::level::err, "mqtt: cannot publish to " + m.topic + ": " + e.what());
        return delivery::send_result::refused;
    }
    return delivery::send_result::sent;
}

void paho_core::subscribe_now(const std::string& filter) {
    try {
        if (settings_.protocol == 3) {
            client_->subscribe(filter, settings_.qos, nullptr, subscribe_listener_);
        } else {
            // Retain As Published: a retained message keeps its flag when it arrives live too,
            // so a retained command is refused whenever it comes, not only after a restart.
            const paho::subscribe_options options(false, true);
            client_->subscribe(filter, settings_.qos, nullptr, subscribe_listener_, options);
        }
    } catch (const paho::exception& e) {
        // Disconnected meanwhile: the next connect subscribes again.
        if (!is_transient(e.get_return_code()))
            report(spdlog::level::err, "mqtt: cannot subscribe to " + filter + ": " + e.what());
    }
}

void paho_core::unsubscribe_now(const std::string& filter) {
    try {
        client_->unsubscribe(filter);
    } catch (const paho::exception& e) {
        // Disconnected meanwhile: the next connect does not subscribe it again.
        if (!is_transient(e.get_return_code()))
            report(spdlog::level::err, "mqtt: cannot unsubscribe from " + filter + ": " + e.what());
    }
}

void paho_core::collect_confirmations(bool wake_for_next) {
    // Set before looking, so a confirmation posted after the look finds the flag and wakes us.
    if (wake_for_next)
        wake_for_confirmation_.store(true);
    confirmations_.poll();
}

bool paho_core::disconnect_now(std::chrono::milliseconds timeout) {
    try {
        client_->disconnect(static_cast<int>(timeout.count()), nullptr, disconnect_listener_);
        return true;
    } catch (const paho::exception&) {
        // Not connected; the core's reconnect loop has stopped all the same.
        return false;
    }
}

void paho_core::on_result(operation kind, const op_result& r) {
    switch (kind) {
    case operation::connect:
        if (r.ok) {
            receive_maximum_ = r.receive_maximum;
            const auto at = std::find(uris_.begin(), uris_.end(), r.server_uri);
            if (at != uris_.end())
                reached_ = static_cast<std::size_t>(at - uris_.begin());
        } else if (r.seq != attempt_) {
            // The failure of an attempt already given up on.
        } else if (broker_refused(r.reason)) {
            on_connect_failed("broker refused the connection: " +
                              paho::exception::reason_code_str(r.reason));
        } else if (const auto text = v3_connack_text(r.rc); !text.empty()) {
            on_connect_failed("broker refused the connection: " + text);
        } else {
            on_connect_failed((settings_.secure ? "TCP connect or TLS handshake failed: " : "") +
                              r.error);
        }
        break;
    case operation::publish: // failures only; confirmations go through confirmations_
        on_published(r.seq, r.ok,
                     !r.ok && broker_refused(r.reason)
                         ? "mqtt: broker refused publish to " + r.topic + ": " +
                               paho::exception::reason_code_str(r.reason)
                         : std::string());
        settle();
        break;
    case operation::subscribe:
        if (!r.ok || broker_refused(r.reason))
            report(spdlog::level::err,
                   "mqtt: subscription to " + r.topic + " failed: " +
                       (broker_refused(r.reason) ? paho::exception::reason_code_str(r.reason)
                                                 : r.error));
        break;
    case operation::disconnect:
        on_disconnected();
        break;
    }
}

} // namespace

paho_sink::paho_sink(boost::asio::any_io_executor loop, const config::mqtt_settings& settings,
                     std::string will_topic)
    : core_(std::make_shared<paho_core>(std::move(loop), settings, std::move(will_topic))) {
    core_->on_change = &on_connection_change;
}

paho_sink::~paho_sink() {
    core_->on_change = nullptr;
}

void paho_sink::start() {
    core_->start();
}
void paho_sink::stop(std::function<void()> done) {
    core_->stop(std::move(done));
}
void paho_sink::publish_state(std::string_view topic, std::string_view payload, bool always) {
    core_->publish_state(topic, payload, always);
}
void paho_sink::clear_states(std::string_view prefix) {
    core_->clear_states(prefix);
}
void paho_sink::publish_event(std::string_view topic, std::string_view payload,
                              std::string_view correlation_data) {
    core_->publish_event(topic, payload, correlation_data);
}
void paho_sink::subscribe(std::string_view filter, inbound_handler handler,
                          std::size_t max_payload) {
    core_->subscribe(filter, std::move(handler), max_payload);
}
void paho_sink::unsubscribe(std::string_view filter) {
    core_->unsubscribe(filter);
}
bool paho_sink::connected() const {
    return core_->connected();
}
std::uint64_t paho_sink::published() const {
    return core_->published();
}
std::uint64_t paho_sink::received() const {
    return core_->received();
}
std::uint64_t paho_sink::dropped() const {
    return core_->dropped();
}
std::size_t paho_sink::buffered() const {
    return core_->buffered();
}
std::uint64_t paho_sink::reconnects() const {
    return core_->reconnects();
}
std::uint64_t paho_sink::oversize() const {
    return core_->oversize();
}
const std::string& paho_sink::broker() const {
    return core_->broker();
}

} // namespace mg::mqtt
