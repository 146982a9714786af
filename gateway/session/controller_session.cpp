#include "gateway/session/controller_session.hpp"

#include "gateway/protocol/json_limits.hpp"
#include "gateway/session/authenticator.hpp"
#include "gateway/session/http_connection.hpp"
#include "gateway/session/tls.hpp"
#include "gateway/session/websocket_connection.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <random>
#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

namespace mg::session {
namespace {

protocol::link_settings link_settings_for(const config::controller_settings& c) {
    protocol::link_settings s;
    s.credentials = c.has_credentials();
    s.keepalive = c.keepalive;
    s.request_timeout = c.request_timeout;
    s.reconnect_min = c.reconnect.min;
    s.reconnect_max = c.reconnect.max;
    s.channels = c.subscribe;
    for (const auto& p : c.poll)
        s.polls.push_back({p.request, p.every, p.params_json, p.topic});
    s.seed = std::random_device{}();
    return s;
}

protocol::control_settings control_settings_for(const config::controller_settings& c) {
    protocol::control_settings s;
    // The WebSocket always keeps one slot; control needs a second.
    s.budget = c.max_connections >= 2;
    s.credentials = c.has_credentials();
    s.ttl = c.command_ttl;
    return s;
}

constexpr std::string_view no_slot = "no free connection within max_connections";

} // namespace

controller_session::controller_session(boost::asio::any_io_executor executor,
                                       config::controller_settings settings,
                                       const protocol::clock& clock, event_handler on_event,
                                       connection_budget budget,
                                       std::shared_ptr<boost::asio::ssl::context> tls_context)
    : executor_(executor), settings_(std::move(settings)),
      tls_context_(!settings_.secure ? nullptr
                   : tls_context     ? std::move(tls_context)
                                     : make_client_tls_context(settings_.tls)),
      link_(link_settings_for(settings_), clock), control_(control_settings_for(settings_), clock),
      on_event_(std::move(on_event)), timer_(executor), budget_(std::move(budget)) {}

controller_session::~controller_session() {
    if (connection_)
        connection_->abort();
    if (control_connection_)
        control_connection_->close();
}

void controller_session::start() {
    if (settings_.secure && settings_.tls && !settings_.tls->verify &&
        settings_.tls->fingerprint_sha256.empty())
        spdlog::warn("{}: TLS certificate verification is disabled", name());
    apply(link_.start());
}

void controller_session::stop() {
    apply(link_.stop());
    // Commands still waiting die with the session: none survives a stop or a restart.
    stopped_ = true;
    timer_.cancel();
    close_control();
    // Late completions (a close handshake, an answer to a posted request) must not reach a
    // bridge that may already be gone.
    on_event_ = [](controller_session&, const protocol::link_event&) {};
}

void controller_session::request(std::string_view name, std::string_view params_json,
                                 std::uint64_t tag) {
    // Posted, so a feature may ask from inside an event without re-entering the link.
    boost::asio::post(executor_, [self = shared_from_this(), name = std::string(name),
                                  params = std::string(params_json),
                                  tag] { self->apply(self->link_.request(name, params, tag)); });
}

void controller_session::apply(const protocol::link_actions& actions) {
    for (const auto& action : actions) {
        std::visit(
            [&](const auto& a) {
                using T = std::decay_t<decltype(a)>;
                if constexpr (std::is_same_v<T, protocol::send_frame>) {
                    if (connection_)
                        connection_->send(a.text);
                } else if constexpr (std::is_same_v<T, protocol::open_socket>) {
                    open_socket();
                } else if constexpr (std::is_same_v<T, protocol::close_socket>) {
                    close_socket(a);
                } else if constexpr (std::is_same_v<T, protocol::authenticate>) {
                    start_authentication();
                } else {
                    if constexpr (std::is_same_v<T, protocol::state_changed>)
                        log_state(a);
                    else if constexpr (std::is_same_v<T, protocol::frame_rejected>)
                        spdlog::debug("{}: ignored a frame: {}", name(), a.error);
                    emit(a);
                    if constexpr (std::is_same_v<T, protocol::state_changed>)
                        apply_control(control_.set_ready(a.state == protocol::link_state::live));
                }
            },
            action);
    }
    schedule();
}

void controller_session::emit(const protocol::link_event& event) {
    on_event_(*this, event);
}

void controller_session::command(protocol::http_call call, std::uint64_t tag) {
    // Posted, like request(): a feature may command from inside an event.
    boost::asio::post(executor_, [self = shared_from_this(), call = std::move(call), tag] {
        self->apply_control(self->control_.add(call, tag));
    });
}

void controller_session::apply_control(const protocol::control_actions& actions) {
    if (stopped_)
        return;
    for (const auto& action : actions) {
        std::visit(
            [&](const auto& a) {
                using T = std::decay_t<decltype(a)>;
                if constexpr (std::is_same_v<T, protocol::control_connect>)
                    open_control();
                else if constexpr (std::is_same_v<T, protocol::control_send>)
                    send_control(a.call);
                else if constexpr (std::is_same_v<T, protocol::control_disconnect>)
                    close_control();
                else if constexpr (std::is_same_v<T, protocol::control_authenticate>)
                    authenticate_control();
                else
                    emit(a);
            },
            action);
    }
    schedule();
}

void controller_session::open_control() {
    auto slot = budget_.try_take();
    if (!slot) {
        boost::asio::post(executor_, [self = shared_from_this()] {
            self->apply_control(self->control_.on_no_slot());
        });
        return;
    }
    control_slot_ = std::move(slot);
    const auto connection = std::make_shared<http_connection>(executor_, settings_, tls_context_);
    connection->observe(observer_);
    control_connection_ = connection;
    connection->open([self = shared_from_this(), connection](boost::system::error_code ec,
                                                             std::string_view step) {
        if (connection != self->control_connection_)
            return;
        if (!ec)
            return self->apply_control(self->control_.on_connected());
        const auto why = connect_failure(step, ec, connection->tls_failure());
        self->close_control();
        self->apply_control(self->control_.on_connect_failed(why));
    });
}

void controller_session::send_control(const protocol::http_call& call) {
    http_connection::request request{http::string_to_verb(call.method), call.path, 11};
    request.keep_alive(true);
    if (!call.body.empty()) {
        request.set(http::field::content_type, "application/json");
        request.body() = call.body;
    }
    if (settings_.has_credentials() && !link_.token().empty())
        request.set(http::field::authorization, "Bearer " + link_.token());
    const auto connection = control_connection_;
    connection->send(std::move(request), [self = shared_from_this(),
                                          connection](boost::system::error_code ec,
                                                      http_connection::response&& response) {
        if (connection != self->control_connection_)
            return;
        if (ec) {
            self->close_control();
            return self->apply_control(self->control_.on_send_failed(
                ec == beast::error::timeout ? "no answer within request_timeout"
                                            : "connection lost: " + ec.message()));
        }
        // A body may carry a fresh token: one session, one token (docs/protocol.md §2.5).
        if (auto token = protocol::answer_token(response.body()))
            self->link_.adopt_token(std::move(*token));
        const bool kept = connection->is_open();
        if (!kept)
            self->close_control();
        self->apply_control(
            self->control_.on_response(response.result_int(), response.body(), kept));
    });
}

void controller_session::close_control() {
    if (control_connection_)
        control_connection_->close();
    control_connection_.reset();
    control_slot_.reset();
}

void controller_session::authenticate_control() {
    authenticate_in_budget([self = shared_from_this()](auth_result r) {
        if (r.kind != auth_result::outcome::token)
            return self->apply_control(self->control_.on_auth_failed(r.value));
        self->link_.adopt_token(std::move(r.value));
        self->apply_control(self->control_.on_authenticated());
    });
}

void controller_session::authenticate_in_budget(std::function<void(auth_result)> done) {
    budget_.async_take(settings_.request_timeout, [weak = weak_from_this(), done = std::move(done)](
                                                      std::optional<connection_budget::slot> slot) {
        const auto self = weak.lock();
        if (!self || self->stopped_)
            return; // the slot goes back at once
        if (!slot)
            return done({auth_result::outcome::failed, std::string(no_slot)});
        ++self->authentications_;
        authenticate(
            self->executor_, self->settings_, self->tls_context_,
            [slot = std::make_shared<connection_budget::slot>(std::move(*slot)),
             done = std::move(done)](auth_result r) mutable {
                // Its connection is closed: the slot is free for what follows.
                slot.reset();
                done(std::move(r));
            },
            self->observer_);
    });
}

void controller_session::schedule() {
    if (stopped_)
        return;
    auto deadline = link_.next_deadline();
    if (const auto control = control_.next_deadline())
        deadline = deadline ? std::min(*deadline, *control) : *control;
    if (deadline == armed_for_)
        return;
    armed_for_ = deadline;
    if (!deadline) {
        timer_.cancel();
        return;
    }
    timer_.expires_at(*deadline);
    timer_.async_wait(
        [self = shared_from_this()](boost::system::error_code ec) { self->on_timer(ec); });
}

void controller_session::on_timer(boost::system::error_code ec) {
    if (ec == boost::asio::error::operation_aborted)
        return;
    armed_for_.reset();
    apply(link_.on_timeout());
    apply_control(control_.on_timeout());
}

void controller_session::open_socket() {
    // docs/protocol.md §1.3: the previous socket is gone before a new one is opened.
    if (connection_)
        connection_->abort();
    connection_slot_.reset();
    const auto connection =
        std::make_shared<websocket_connection>(executor_, settings_, tls_context_);
    connection->observe(observer_);
    connection_ = connection;
    // A session a reload started waits here while the one it replaces still closes.
    budget_.async_take(settings_.request_timeout, [weak = weak_from_this(), connection](
                                                      std::optional<connection_budget::slot> slot) {
        if (const auto self = weak.lock())
            self->on_slot(connection, std::move(slot));
    });
}

void controller_session::on_slot(const std::shared_ptr<websocket_connection>& connection,
                                 std::optional<connection_budget::slot> slot) {
    if (connection != connection_)
        return; // the slot goes back at once
    if (!slot)
        return lost(connection, std::string(no_slot));
    connection_slot_ = std::move(slot);
    connection->open([self = shared_from_this(), connection](boost::system::error_code ec,
                                                             std::string_view step) {
        self->on_open(connection, ec, step);
    });
}

void controller_session::on_open(const std::shared_ptr<websocket_connection>& connection,
                                 boost::system::error_code ec, std::string_view step) {
    if (connection != connection_)
        return;
    if (ec)
        return lost(connection, connect_failure(step, ec, connection->tls_failure()));
    connection->read([self = shared_from_this(), connection](
                         boost::system::error_code ec, std::string_view payload, bool binary) {
        self->on_frame(connection, ec, payload, binary);
    });
    apply(link_.on_opened());
}

void controller_session::on_frame(const std::shared_ptr<websocket_connection>& connection,
                                  boost::system::error_code ec, std::string_view payload,
                                  bool binary) {
    if (connection != connection_)
        return;
    if (ec)
        return lost(connection, "connection lost: " + ec.message());
    if (binary) {
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(payload.data());
        apply(link_.on_binary({bytes, payload.size()}));
    } else {
        apply(link_.on_text(payload));
    }
}

void controller_session::close_socket(const protocol::close_socket& close) {
    if (!connection_)
        return;
    spdlog::info("{}: closing connection: {}", name(), close.reason);
    if (!close.graceful) {
        // The link already counts this socket as gone; its late completions are stale.
        connection_->abort();
        connection_.reset();
        connection_slot_.reset();
        return;
    }
    connection_->close([self = shared_from_this(), connection = connection_,
                        reason = close.reason] { self->lost(connection, reason); });
}

void controller_session::lost(const std::shared_ptr<websocket_connection>& connection,
                              std::string why) {
    if (connection != connection_)
        return;
    connection->abort();
    connection_.reset();
    connection_slot_.reset();
    apply(link_.on_closed(why));
}

void controller_session::start_authentication() {
    authenticate_in_budget([self = shared_from_this()](auth_result r) {
        switch (r.kind) {
        case auth_result::outcome::token:
            self->apply(self->link_.on_authenticated(std::move(r.value)));
            break;
        case auth_result::outcome::rejected:
            self->apply(self->link_.on_auth_rejected(r.value));
            break;
        case auth_result::outcome::failed:
            self->apply(self->link_.on_auth_error(r.value));
            break;
        }
    });
}

void controller_session::log_state(const protocol::state_changed& change) {
    switch (change.state) {
    case protocol::link_state::live:
        logged_failure_.clear();
        spdlog::info("{}: live", name());
        break;
    case protocol::link_state::auth_failed:
    case protocol::link_state::backoff:
        // One line per distinct failure, so a controller that stays away does not flood.
        if (change.error != logged_failure_) {
            logged_failure_.assign(change.error);
            const auto level = change.state == protocol::link_state::auth_failed
                                   ? spdlog::level::err
                                   : spdlog::level::warn;
            spdlog::log(level, "{}: {} ({})", name(), change.error,
                        protocol::to_string(change.state));
        }
        break;
    default:
        spdlog::debug("{}: {}", name(), protocol::to_string(change.state));
        break;
    }
}

} // namespace mg::session
