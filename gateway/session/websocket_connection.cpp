#include "gateway/session/websocket_connection.hpp"

#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <openssl/ssl.h>

namespace mg::session {

namespace websocket = beast::websocket;

namespace {

// A controller frame larger than this is refused; the biggest documented replies (whole
// logs, 512-channel universes) are far smaller.
constexpr std::size_t max_frame_bytes = 8 * 1024 * 1024;

} // namespace

websocket_connection::websocket_connection(net::any_io_executor executor,
                                           const config::controller_settings& target,
                                           std::shared_ptr<net::ssl::context> tls_context)
    : target_(target), resolver_(executor) {
    if (tls_context) {
        stream_ = std::make_unique<tls_stream>(executor, *tls_context);
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
    host_header_ =
        target_.host.find(':') != std::string::npos ? "[" + target_.host + "]" : target_.host;
    const bool default_port = target_.port == (target_.secure ? 443 : 80);
    if (!default_port)
        host_header_ += ":" + std::to_string(target_.port);
    resolver_.async_resolve(target_.host, std::to_string(target_.port),
                            beast::bind_front_handler(&websocket_connection::on_resolve,
                                                      shared_from_this(), std::move(done)));
}

void websocket_connection::on_resolve(done_handler done, error_code ec,
                                      net::ip::tcp::resolver::results_type results) {
    if (ec)
        return done(ec, "resolve");
    tcp().expires_after(target_.request_timeout);
    tcp().async_connect(results, beast::bind_front_handler(&websocket_connection::on_connect,
                                                           shared_from_this(), std::move(done)));
}

void websocket_connection::on_connect(done_handler done, error_code ec, net::ip::tcp::endpoint) {
    if (ec)
        return done(ec, "connect");
    tcp().socket().set_option(net::ip::tcp::no_delay(true), ec);
    if (auto* secure = std::get_if<std::unique_ptr<tls_stream>>(&stream_)) {
        auto& ssl = (*secure)->next_layer();
        // SNI only carries names, never addresses (RFC 6066).
        error_code parse_error;
        net::ip::make_address(target_.host, parse_error);
        if (parse_error)
            SSL_set_tlsext_host_name(ssl.native_handle(), target_.host.c_str());
        ssl.set_verify_callback(*check_);
        tcp().expires_after(target_.request_timeout);
        return ssl.async_handshake(
            net::ssl::stream_base::client,
            beast::bind_front_handler(&websocket_connection::on_tls_handshake, shared_from_this(),
                                      std::move(done)));
    }
    on_tls_handshake(std::move(done), {});
}

void websocket_connection::on_tls_handshake(done_handler done, error_code ec) {
    if (ec)
        return done(ec, "TLS handshake");
    // The keep-alive of the protocol detects dead peers (CONTRACT §4.4), so Beast's own idle
    // timer stays off; its handshake timer still bounds the upgrade and the close.
    tcp().expires_never();
    std::visit(
        [&](auto& ws) {
            auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
            timeouts.handshake_timeout = target_.request_timeout;
            ws->set_option(timeouts);
            ws->async_handshake(host_header_, target_.path,
                                beast::bind_front_handler(&websocket_connection::on_handshake,
                                                          shared_from_this(), std::move(done)));
        },
        stream_);
}

void websocket_connection::on_handshake(done_handler done, error_code ec) {
    done(ec, "WebSocket upgrade");
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
    if (ec)
        return on_frame(ec, {}, false);
    const bool binary = std::visit([](auto& ws) { return ws->got_binary(); }, stream_);
    const auto data = buffer_.cdata();
    on_frame({}, {static_cast<const char*>(data.data()), data.size()}, binary);
    buffer_.consume(buffer_.size());
    read(std::move(on_frame));
}

void websocket_connection::send(std::string text) {
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
    auto self = shared_from_this();
    std::visit(
        [&](auto& ws) {
            if (!ws->is_open()) {
                abort();
                return done();
            }
            ws->async_close(websocket::close_code::normal,
                            [self, done = std::move(done)](error_code) {
                                self->abort();
                                done();
                            });
        },
        stream_);
}

void websocket_connection::abort() {
    resolver_.cancel();
    error_code ignored;
    tcp().socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    tcp().close();
}

} // namespace mg::session
