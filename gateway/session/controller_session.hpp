#pragma once
// One session per controller: carries out what its link decides (authenticate, open the one
// WebSocket, send, close) and what its control queue decides (the one HTTP control
// connection), feeds back what happens (frames, answers, closes, time), and makes every
// connection take a slot of the controller's connection budget first. Every completion
// carries the connection it belongs to and is dropped when that one is no longer current.

#include "gateway/config/site_config.hpp"
#include "gateway/protocol/control_queue.hpp"
#include "gateway/protocol/link.hpp"
#include "gateway/protocol/traffic.hpp"
#include "gateway/session/authenticator.hpp"
#include "gateway/session/connection_budget.hpp"
#include "gateway/session/controller.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>

namespace mg::session {

class websocket_connection;
class http_connection;

class controller_session final : public controller,
                                 public std::enable_shared_from_this<controller_session> {
public:
    // Receives the link's events and command results; data views are valid during the call only.
    using event_handler = std::function<void(controller_session&, const protocol::link_event&)>;

    // `budget` is the controller's, shared with any session before or after this one.
    // `tls_context`: the context built from the settings beforehand (make_client_tls_context),
    // so that starting a session cannot fail on a file; built here when not given.
    controller_session(boost::asio::any_io_executor executor, config::controller_settings settings,
                       const protocol::clock& clock, event_handler on_event,
                       connection_budget budget,
                       std::shared_ptr<boost::asio::ssl::context> tls_context = nullptr);
    ~controller_session() override;

    void start();
    // Closes the WebSocket cleanly; the session emits its final state and stays stopped.
    void stop();

    const std::string& name() const override { return settings_.name; }
    void request(std::string_view name, std::string_view params_json, std::uint64_t tag) override;
    void command(protocol::http_call call, std::uint64_t tag) override;

    // Every WebSocket and HTTP exchange of this session is reported to `observer` (`--capture`);
    // set before start().
    void observe_traffic(protocol::traffic_observer observer) { observer_ = std::move(observer); }

    const config::controller_settings& settings() const { return settings_; }
    protocol::link_state state() const { return link_.state(); }
    std::uint64_t reconnects() const { return link_.reconnects(); }
    std::uint64_t authentications() const { return authentications_; }
    protocol::time_point last_frame() const { return link_.last_received(); }

private:
    void apply(const protocol::link_actions& actions);
    void emit(const protocol::link_event& event);
    void schedule();
    void on_timer(boost::system::error_code ec);
    void open_socket();
    void on_slot(const std::shared_ptr<websocket_connection>& connection,
                 std::optional<connection_budget::slot> slot);
    void on_open(const std::shared_ptr<websocket_connection>& connection,
                 boost::system::error_code ec, std::string_view step);
    void on_frame(const std::shared_ptr<websocket_connection>& connection,
                  boost::system::error_code ec, std::string_view payload, bool binary);
    void close_socket(const protocol::close_socket& close);
    void lost(const std::shared_ptr<websocket_connection>& connection, std::string why);
    void start_authentication();
    void log_state(const protocol::state_changed& change);

    void apply_control(const protocol::control_actions& actions);
    void open_control();
    void send_control(const protocol::http_call& call);
    void close_control();
    void authenticate_control();
    // Authentication on a slot of the budget; `done` runs once its connection is closed.
    void authenticate_in_budget(std::function<void(auth_result)> done);

    boost::asio::any_io_executor executor_;
    config::controller_settings settings_;
    std::shared_ptr<boost::asio::ssl::context> tls_context_;
    protocol::link link_;
    protocol::control_queue control_;
    event_handler on_event_;
    boost::asio::steady_timer timer_;
    std::optional<protocol::time_point> armed_for_;
    connection_budget budget_;
    std::shared_ptr<websocket_connection> connection_;
    std::optional<connection_budget::slot> connection_slot_;
    std::shared_ptr<http_connection> control_connection_;
    std::optional<connection_budget::slot> control_slot_;
    bool stopped_ = false;
    std::uint64_t authentications_ = 0;
    std::string logged_failure_;
    protocol::traffic_observer observer_;
};

} // namespace mg::session
