#include "tests/support/http_get.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <thread>

namespace mg::test {

http_reply http_get(std::uint16_t port, const std::string& target,
                    std::chrono::milliseconds timeout, const std::string& method) {
    namespace beast = boost::beast;
    namespace http = beast::http;
    using tcp = boost::asio::ip::tcp;

    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    http::request<http::empty_body> request{http::string_to_verb(method), target, 11};
    request.set(http::field::host, "127.0.0.1");
    request.keep_alive(false);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http_reply reply;

    stream.expires_after(timeout);
    stream.async_connect(
        tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
            if (ec)
                return;
            http::async_write(stream, request, [&](beast::error_code ec, std::size_t) {
                if (ec)
                    return;
                http::async_read(stream, buffer, response, [&](beast::error_code ec, std::size_t) {
                    if (ec)
                        return;
                    reply.status = static_cast<int>(response.result_int());
                    reply.content_type = std::string(response[http::field::content_type]);
                    reply.body = response.body();
                });
            });
        });
    io.run();
    return reply;
}

http_reply wait_reply(std::uint16_t port, const std::string& target,
                      const std::function<bool(const http_reply&)>& accept,
                      std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    http_reply reply;
    while (std::chrono::steady_clock::now() < deadline) {
        reply = http_get(port, target);
        if (accept(reply))
            return reply;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return reply;
}

double metrics_sample(const std::string& metrics, const std::string& series) {
    const auto at = metrics.find("\n" + series + " ");
    if (at == std::string::npos)
        return -1;
    return std::stod(metrics.substr(at + series.size() + 2));
}

} // namespace mg::test
