#include "gateway/session/websocket_connection.hpp"

#include <boost/beast/core/bind_handler.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <utility>

namespace mg::session {

namespace websocket = beast::websocket;

namespace {

// A controller frame larger than this is refused; the biggest documented replies (whole
// logs, 512-channel universes) are far smaller.
constexpr std::size_t max_frame_bytes = 8 * 1024 * 1024;
// A controller that answers at all answers a close within a round trip; one that does not
// must not hold the next connection back (a new session within 2 s, docs/protocol.md §3.3).
constexpr std::chrono::milliseconds close_timeout{500};

} // namespace

websocket_connection::websocket_connection(net::any_io_executor executor,
                                           const config::controller_settings& target,
                                           std::shared_ptr<net::ssl::context> tls_context)
    : target_(target), lookup_(executor) {
    if (tls_context) {
        stream_ = std::make_unique<secure_stream>(executor, *tls_context);
        check_.emplace(target.tls, target.host);
    } else {
        stream_ = std::make_unique<plain_stream>(executor);
    }
    std::visit(
        [](auto& ws) {
            ws->read_message_max(max_frame_bytes);
            ws->set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
                req.set(beast::http::field::user_agent, "mosaic-gateway/" MG_VERSION);
            }));
        },
        stream_);
}

beast::tcp_stream& websocket_connection::tcp() {
    return std::visit([](auto& ws) -> beast::tcp_stream& { return beast::get_lowest_layer(*ws); },
                      stream_);
}

void websocket_connection::open(done_handler done) {
    tls_stream* tls = nullptr;
    if (auto* secure = std::get_if<std::unique_ptr<secure_stream>>(&stream_))
        tls = &(*secure)->next_layer();
    async_connect(lookup_, tcp(), tls, check_ ? &*check_ : nullptr, target_,
                  [self = shared_from_this(), done = std::move(done)](error_code ec,
                                                                      std::string_view step) {
                      if (ec)
                          return done(ec, step);
                      self->upgrade(std::move(done));
                  });
}

void websocket_connection::upgrade(done_handler done) {
    // The keep-alive of the protocol detects dead peers (docs/protocol.md §3.5), so Beast's own
    // idle timer stays off; its handshake timer bounds the upgrade, and close() shortens it.
    std::visit(
        [&](auto& ws) {
            auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
            timeouts.handshake_timeout = target_.request_timeout;
            ws->set_option(timeouts);
            ws->async_handshake(host_header(target_), target_.path,
                                beast::bind_front_handler(&websocket_connection::on_handshake,
                                                          shared_from_this(), std::move(done)));
        },
        stream_);
}

void websocket_connection::on_handshake(done_handler done, error_code ec) {
    if (!ec) {
        reported_open_ = true;
        report(protocol::traffic::kind::ws_open,
               (target_.secure ? "wss://" : "ws://") + host_header(target_) + target_.path);
    }
    done(ec, "WebSocket upgrade");
}

void websocket_connection::report(protocol::traffic::kind what, std::string_view text,
                                  bool binary) {
    if (!observer_)
        return;
    protocol::traffic t;
    t.what = what;
    t.controller = target_.name;
    t.text = text;
    t.binary = binary;
    observer_(t);
}

void websocket_connection::report_closed(std::string_view reason) {
    if (!std::exchange(reported_open_, false))
        return;
    report(protocol::traffic::kind::ws_close, reason);
}

void websocket_connection::read(frame_handler on_frame) {
    std::visit(
        [&](auto& ws) {
            ws->async_read(buffer_,
                           beast::bind_front_handler(&websocket_connection::on_read,
                                                     shared_from_this(), std::move(on_frame)));
        },
        stream_);
}

void websocket_connection::on_read(frame_handler on_frame, error_code ec, std::size_t) {
    if (ec) {
        report_closed(ec == websocket::error::closed ? "closed by the controller"
                                                     : "connection lost: " + ec.message());
        return on_frame(ec, {}, false);
    }
    const bool binary = std::visit([](auto& ws) { return ws->got_binary(); }, stream_);
    const auto data = buffer_.cdata();
    report(protocol::traffic::kind::ws_recv,
           {static_cast<const char*>(data.data()), data.size()}, binary);
    on_frame({}, {static_cast<const char*>(data.data()), data.size()}, binary);
    buffer_.consume(buffer_.size());
    read(std::move(on_frame));
}

void websocket_connection::send(std::string text) {
    report(protocol::traffic::kind::ws_send, text);
    outbox_.push_back(std::move(text));
    if (outbox_.size() == 1)
        write_next();
}

void websocket_connection::write_next() {
    std::visit(
        [&](auto& ws) {
            ws->text(true);
            ws->async_write(
                net::buffer(outbox_.front()),
                beast::bind_front_handler(&websocket_connection::on_write, shared_from_this()));
        },
        stream_);
}

void websocket_connection::on_write(error_code ec, std::size_t) {
    if (ec) {
        // The read side reports the failure; what was queued is lost with the connection.
        outbox_.clear();
        return;
    }
    outbox_.pop_front();
    if (!outbox_.empty())
        write_next();
}

void websocket_connection::close(std::function<void()> done) {
    report_closed("closed by the gateway");
    auto self = shared_from_this();
    std::visit(
        [&](auto& ws) {
            if (!ws->is_open()) {
                // Never inline: the caller may be walking a list that `done` changes.
                abort();
                return net::post(ws->get_executor(), std::move(done));
            }
            auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
            timeouts.handshake_timeout = close_timeout;
            ws->set_option(timeouts);
            ws->async_close(websocket::close_code::normal,
                            [self, done = std::move(done)](error_code) {
                                self->abort();
                                done();
                            });
        },
        stream_);
}

void websocket_connection::abort() {
    report_closed("closed at once by the gateway");
    lookup_.cancel();
    close_now(tcp());
}

} // namespace mg::session
