#include "tests/sim/test_client.hpp"

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cstdio>
#include <deque>
#include <openssl/x509.h>
#include <variant>

namespace mg::sim::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;

asio::ssl::context& client_tls_context() {
    // The simulator's certificate is self-signed; tests check its fingerprint instead.
    static asio::ssl::context ctx = [] {
        asio::ssl::context c(asio::ssl::context::tls_client);
        c.set_verify_mode(asio::ssl::verify_none);
        return c;
    }();
    return ctx;
}

// Completion state shared with a handler, so an operation that outlives its timeout writes into
// live memory rather than a returned stack frame.
struct op_state {
    bool done = false;
    beast::error_code ec;
};
using op = std::shared_ptr<op_state>;

op new_op() {
    return std::make_shared<op_state>();
}

auto completes(const op& state) {
    return [state](beast::error_code ec, auto&&...) {
        state->ec = ec;
        state->done = true;
    };
}

// Runs `ioc` until the operation completes or the deadline passes; true when it succeeded.
bool wait(asio::io_context& ioc, const op& state, clock::time_point deadline) {
    ioc.restart();
    while (!state->done)
        if (ioc.run_one_until(deadline) == 0)
            break; // deadline passed, or nothing left to run
    return state->done && !state->ec;
}

std::string fingerprint_of(SSL* ssl) {
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (cert == nullptr)
        return {};
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    X509_digest(cert, EVP_sha256(), digest.data(), &size);
    X509_free(cert);
    std::string out;
    for (unsigned int i = 0; i < size; ++i) {
        std::array<char, 4> pair{};
        std::snprintf(pair.data(), pair.size(), "%02X", digest[i]);
        out += (i == 0 ? "" : ":");
        out += pair.data();
    }
    return out;
}

// Connects the lowest layer and, for TLS, handshakes; every step asynchronous and bounded.
template <class Stream>
bool open_stream(asio::io_context& ioc, Stream& stream, std::uint16_t port,
                 clock::time_point deadline) {
    auto connected = new_op();
    beast::get_lowest_layer(stream).async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), completes(connected));
    if (!wait(ioc, connected, deadline))
        return false;
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
        auto handshake = new_op();
        stream.async_handshake(asio::ssl::stream_base::client, completes(handshake));
        if (!wait(ioc, handshake, deadline))
            return false;
    }
    return true;
}

// `request`, `buffer` and `response` outlive any operation a timeout leaves pending.
template <class Stream>
http_result exchange(asio::io_context& ioc, Stream& stream, beast::flat_buffer& buffer,
                     http::request<http::string_body>& request,
                     http::response<http::string_body>& response, clock::time_point deadline) {
    auto written = new_op();
    http::async_write(stream, request, completes(written));
    if (!wait(ioc, written, deadline))
        return {};
    response = {};
    auto received = new_op();
    http::async_read(stream, buffer, response, completes(received));
    if (!wait(ioc, received, deadline))
        return {};
    return {response.result_int(), response.body(), std::string(response[http::field::location])};
}

template <class Stream>
http_result http_over(asio::io_context& ioc, Stream& stream, std::uint16_t port,
                      http::request<http::string_body>& request, clock::time_point deadline) {
    if (!open_stream(ioc, stream, port, deadline))
        return {};
    // The caller destroys `ioc` right after, so these handlers never run after a timeout.
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    return exchange(ioc, stream, buffer, request, response, deadline);
}

http::request<http::string_body> make_request(std::string_view method, std::string_view target,
                                              std::string_view body, const header_list& headers,
                                              bool keep_alive) {
    http::request<http::string_body> request;
    request.method_string(method);
    request.target(target);
    request.version(11);
    request.set(http::field::host, "127.0.0.1");
    request.keep_alive(keep_alive);
    for (const auto& [name, value] : headers)
        request.set(name, value);
    if (!body.empty() && request[http::field::content_type].empty())
        request.set(http::field::content_type, "application/json");
    request.body() = std::string(body);
    request.prepare_payload();
    return request;
}

} // namespace

http_result http_call(std::uint16_t port, std::string_view method, std::string_view target,
                      std::string_view body, const header_list& headers, bool tls,
                      std::chrono::milliseconds timeout) {
    asio::io_context ioc;
    auto request = make_request(method, target, body, headers, false);
    const auto deadline = clock::now() + timeout;
    if (tls) {
        beast::ssl_stream<beast::tcp_stream> stream(ioc, client_tls_context());
        return http_over(ioc, stream, port, request, deadline);
    }
    beast::tcp_stream stream(ioc);
    return http_over(ioc, stream, port, request, deadline);
}

struct keep_alive_client::impl {
    asio::io_context ioc;
    beast::tcp_stream stream{ioc};
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;
    bool broken = false;
};

keep_alive_client::keep_alive_client() : impl_(std::make_unique<impl>()) {}
keep_alive_client::~keep_alive_client() = default;

bool keep_alive_client::connect(std::uint16_t port, std::chrono::milliseconds timeout) {
    return open_stream(impl_->ioc, impl_->stream, port, clock::now() + timeout);
}

http_result keep_alive_client::call(std::string_view method, std::string_view target,
                                  std::string_view body, const header_list& headers, bool close,
                                  std::chrono::milliseconds timeout) {
    if (impl_->broken)
        return {};
    impl_->request = make_request(method, target, body, headers, !close);
    auto result = exchange(impl_->ioc, impl_->stream, impl_->buffer, impl_->request,
                           impl_->response, clock::now() + timeout);
    if (result.status == 0)
        impl_->broken = true; // a timed-out operation may still be pending: no further calls
    return result;
}

bool keep_alive_client::closed_by_server(std::chrono::milliseconds timeout) {
    std::array<char, 64> scratch{};
    auto received = new_op();
    impl_->stream.async_read_some(asio::buffer(scratch), completes(received));
    wait(impl_->ioc, received, clock::now() + timeout);
    if (!received->done) {
        impl_->stream.cancel();
        wait(impl_->ioc, received, clock::now() + 1s);
        return false;
    }
    return received->ec == asio::error::eof || received->ec == asio::error::connection_reset;
}

struct ws_test_client::impl {
    using plain_ws = websocket::stream<beast::tcp_stream>;
    using tls_ws = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

    asio::io_context ioc;
    std::variant<std::monostate, plain_ws, tls_ws> ws;
    beast::flat_buffer buffer;
    std::deque<ws_message> inbox;
    bool reading = false;
    bool closed = false;
    std::string fingerprint;

    template <class Ws>
    bool connect(Ws& s, std::uint16_t port, std::string_view path, clock::time_point deadline) {
        if (!open_stream(ioc, s.next_layer(), port, deadline))
            return false;
        if constexpr (std::is_same_v<Ws, tls_ws>)
            fingerprint = fingerprint_of(s.next_layer().native_handle());
        s.read_message_max(8 * 1024 * 1024); // the oversized fault sends 4 MiB
        auto handshake = new_op();
        s.async_handshake("127.0.0.1", path, completes(handshake));
        return wait(ioc, handshake, deadline);
    }

    template <class Ws> void start_read(Ws& s) {
        reading = true;
        s.async_read(buffer, [this, &s](beast::error_code ec, std::size_t) {
            reading = false;
            if (ec) {
                closed = true;
                return;
            }
            const auto data = buffer.data();
            inbox.push_back(
                {std::string(static_cast<const char*>(data.data()), data.size()), !s.got_text()});
            buffer.consume(buffer.size());
            start_read(s);
        });
    }
};

ws_test_client::ws_test_client() : impl_(std::make_unique<impl>()) {}
ws_test_client::~ws_test_client() = default;

bool ws_test_client::connect(std::uint16_t port, std::string_view path, bool tls,
                             std::chrono::milliseconds timeout) {
    const auto deadline = clock::now() + timeout;
    bool ok = false;
    if (tls) {
        auto& s = impl_->ws.emplace<impl::tls_ws>(impl_->ioc, client_tls_context());
        ok = impl_->connect(s, port, path, deadline);
    } else {
        auto& s = impl_->ws.emplace<impl::plain_ws>(impl_->ioc);
        ok = impl_->connect(s, port, path, deadline);
    }
    if (ok)
        std::visit(
            [this](auto& s) {
                if constexpr (!std::is_same_v<std::decay_t<decltype(s)>, std::monostate>)
                    impl_->start_read(s);
            },
            impl_->ws);
    return ok;
}

std::string ws_test_client::peer_fingerprint() const {
    return impl_->fingerprint;
}

bool ws_test_client::send_text(std::string_view text, std::chrono::milliseconds timeout) {
    auto written = new_op();
    auto copy = std::make_shared<const std::string>(text);
    std::visit(
        [&](auto& s) {
            if constexpr (std::is_same_v<std::decay_t<decltype(s)>, std::monostate>) {
                written->ec = asio::error::not_connected;
                written->done = true;
            } else {
                s.text(true);
                s.async_write(asio::buffer(*copy),
                              [written, copy](beast::error_code ec, std::size_t) {
                                  written->ec = ec;
                                  written->done = true;
                              });
            }
        },
        impl_->ws);
    return wait(impl_->ioc, written, clock::now() + timeout);
}

std::optional<ws_message> ws_test_client::read(std::chrono::milliseconds timeout) {
    const auto deadline = clock::now() + timeout;
    impl_->ioc.restart();
    while (impl_->inbox.empty() && !impl_->closed)
        if (impl_->ioc.run_one_until(deadline) == 0)
            break;
    if (impl_->inbox.empty())
        return std::nullopt;
    auto message = std::move(impl_->inbox.front());
    impl_->inbox.pop_front();
    return message;
}

bool ws_test_client::closed() const {
    return impl_->closed;
}

struct tcp_holder::impl {
    asio::io_context ioc;
    beast::tcp_stream stream{ioc};
    std::array<char, 64> scratch{};
};

tcp_holder::tcp_holder() : impl_(std::make_unique<impl>()) {}
tcp_holder::~tcp_holder() = default;

bool tcp_holder::connect(std::uint16_t port, std::chrono::milliseconds timeout) {
    return open_stream(impl_->ioc, impl_->stream, port, clock::now() + timeout);
}

bool tcp_holder::closed_by_server(std::chrono::milliseconds timeout) {
    auto received = new_op();
    impl_->stream.async_read_some(asio::buffer(impl_->scratch), completes(received));
    wait(impl_->ioc, received, clock::now() + timeout);
    if (!received->done) {
        impl_->stream.cancel(); // still open: let the read finish as aborted
        wait(impl_->ioc, received, clock::now() + 1s);
        return false;
    }
    return received->ec == asio::error::eof || received->ec == asio::error::connection_reset;
}

} // namespace mg::sim::test
