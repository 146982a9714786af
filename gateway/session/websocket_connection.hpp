#pragma once
// One WebSocket to a controller, over TCP or TLS. Owned through a shared_ptr that every
// pending operation holds, so closing it never leaves a handler pointing at freed memory.

#include "gateway/config/site_config.hpp"
#include "gateway/protocol/traffic.hpp"
#include "gateway/session/controller_stream.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <variant>

namespace mg::session {

class websocket_connection : public std::enable_shared_from_this<websocket_connection> {
public:
    using done_handler = std::function<void(error_code, std::string_view step)>;
    using frame_handler = std::function<void(error_code, std::string_view payload, bool binary)>;

    // `tls_context` is null for ws://.
    websocket_connection(net::any_io_executor executor, const config::controller_settings& target,
                         std::shared_ptr<net::ssl::context> tls_context);

    // Look up, connect, TLS handshake, WebSocket upgrade; `done` names the step that failed.
    void open(done_handler done);
    // Reads frames until an error; `on_frame` sees each frame's payload.
    void read(frame_handler on_frame);
    // Queued; one write in flight.
    void send(std::string text);
    // WebSocket close handshake (bounded by a short time-out), then the socket closes. `done`
    // runs through the executor, never inline.
    void close(std::function<void()> done);
    // Closes the socket at once; pending operations finish with errors.
    void abort();

    // The reason a TLS handshake failed verification, if any.
    std::string tls_failure() const { return check_ ? check_->failure() : std::string(); }

    // Reports the upgrade, every frame both ways and the close (`--capture`); set before open().
    void observe(protocol::traffic_observer observer) { observer_ = std::move(observer); }

private:
    using plain_stream = beast::websocket::stream<beast::tcp_stream>;
    using secure_stream = beast::websocket::stream<tls_stream>;

    beast::tcp_stream& tcp();
    void upgrade(done_handler done);
    void on_handshake(done_handler done, error_code ec);
    void on_read(frame_handler on_frame, error_code ec, std::size_t bytes);
    void write_next();
    void on_write(error_code ec, std::size_t bytes);
    void report(protocol::traffic::kind what, std::string_view text, bool binary = false);
    void report_closed(std::string_view reason);

    const config::controller_settings target_; // a copy: pending handlers may outlive the session
    host_lookup lookup_;
    std::variant<std::unique_ptr<plain_stream>, std::unique_ptr<secure_stream>> stream_;
    std::optional<certificate_check> check_;
    beast::flat_buffer buffer_;
    std::deque<std::string> outbox_;
    protocol::traffic_observer observer_;
    bool reported_open_ = false; // so each open is followed by exactly one reported close
};

} // namespace mg::session
