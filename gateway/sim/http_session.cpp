#include "gateway/sim/http_session.hpp"

#include "gateway/sim/controller.hpp"
#include "gateway/sim/http_handler.hpp"
#include "gateway/sim/log.hpp"
#include "gateway/sim/streams.hpp"
#include "gateway/sim/url.hpp"
#include "gateway/sim/ws_connection.hpp"

#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>
#include <optional>
#include <type_traits>

namespace mg::sim {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

constexpr auto io_timeout = std::chrono::seconds(30);
constexpr std::size_t max_body = 64 * 1024;

std::string_view view(beast::string_view s) {
    return {s.data(), s.size()};
}

template <class Stream>
class http_session : public connection, public std::enable_shared_from_this<http_session<Stream>> {
public:
    http_session(Stream&& stream, connection_slot slot)
        : stream_(std::move(stream)), slot_(std::move(slot)) {}

    void run() {
        slot_.attach(this->weak_from_this());
        if constexpr (is_tls) {
            beast::get_lowest_layer(stream_).expires_after(io_timeout);
            stream_.async_handshake(
                boost::asio::ssl::stream_base::server,
                beast::bind_front_handler(&http_session::on_handshake, this->shared_from_this()));
        } else {
            do_read();
        }
    }

    void close() override {
        if (upgraded_)
            return; // the stream now belongs to the WebSocket, which closes itself
        beast::error_code ignored;
        beast::get_lowest_layer(stream_).socket().shutdown(boost::asio::socket_base::shutdown_both,
                                                           ignored);
        beast::get_lowest_layer(stream_).close();
    }

private:
    static constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

    void on_handshake(beast::error_code ec) {
        if (ec)
            return fail(ec, "tls handshake");
        do_read();
    }

    void do_read() {
        parser_.emplace();
        parser_->body_limit(max_body);
        // A keep-alive connection waits this long for its next request (--http-idle).
        beast::get_lowest_layer(stream_).expires_after(slot_.owner().http_idle());
        http::async_read(
            stream_, buffer_, *parser_,
            beast::bind_front_handler(&http_session::on_read, this->shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t /*bytes*/) {
        if (ec == http::error::end_of_stream)
            return do_close();
        if (ec == beast::error::timeout)
            return; // idle too long: the stream has closed the socket, as a controller does
        if (ec)
            return fail(ec, "http read");
        auto request = parser_->release();
        const auto path = split_target(view(request.target())).path;
        if (beast::websocket::is_upgrade(request)) {
            if (path == "/query") {
                upgraded_ = true;
                start_ws_connection(std::move(stream_), std::move(slot_), std::move(request));
                return;
            }
            return respond(request, {404, R"({"error":"not found"})", "application/json", {}});
        }
        const auto& fields = request.base();
        const http_request view_of_request{
            view(request.method_string()),           view(request.target()),
            view(fields[http::field::content_type]), view(fields[http::field::authorization]),
            view(fields[http::field::referer]),      request.body()};
        respond(request, handle_http(slot_.owner(), view_of_request));
    }

    void respond(const http_request_message& request, const http_reply& reply) {
        fill_response(response_, request, reply.status, reply.content_type, reply.body);
        if (!reply.location.empty())
            response_.set(http::field::location, reply.location);
        beast::get_lowest_layer(stream_).expires_after(io_timeout);
        http::async_write(
            stream_, response_,
            beast::bind_front_handler(&http_session::on_write, this->shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t /*bytes*/) {
        if (ec)
            return fail(ec, "http write");
        if (!response_.keep_alive())
            return do_close();
        do_read();
    }

    void do_close() {
        if constexpr (is_tls) {
            beast::get_lowest_layer(stream_).expires_after(io_timeout);
            stream_.async_shutdown(
                beast::bind_front_handler(&http_session::on_shutdown, this->shared_from_this()));
        } else {
            beast::error_code ignored;
            stream_.socket().shutdown(boost::asio::socket_base::shutdown_send, ignored);
        }
    }

    void on_shutdown(beast::error_code ec) {
        if (ec)
            return fail(ec, "tls shutdown");
    }

    Stream stream_;
    connection_slot slot_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> response_;
    bool upgraded_ = false;
};

} // namespace

void serve_controller_connection(const std::shared_ptr<controller>& owner,
                                 boost::asio::ip::tcp::socket socket,
                                 boost::asio::ssl::context* tls) {
    auto slot = owner->admit();
    if (!slot) {
        // Accepted, then closed at once: how a spent connection budget looks to a client.
        boost::system::error_code ignored;
        socket.close(ignored);
        return;
    }
    if (tls != nullptr)
        std::make_shared<http_session<tls_stream>>(tls_stream(std::move(socket), *tls),
                                                   std::move(*slot))
            ->run();
    else
        std::make_shared<http_session<plain_stream>>(plain_stream(std::move(socket)),
                                                     std::move(*slot))
            ->run();
}

} // namespace mg::sim
