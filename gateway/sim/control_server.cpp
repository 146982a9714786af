#include "gateway/sim/control_server.hpp"

#include "gateway/sim/connection.hpp"
#include "gateway/sim/control_api.hpp"
#include "gateway/sim/listener.hpp"
#include "gateway/sim/log.hpp"
#include "gateway/sim/streams.hpp"

#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>

namespace mg::sim {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

constexpr auto idle_timeout = std::chrono::seconds(60);

std::string_view view(beast::string_view s) {
    return {s.data(), s.size()};
}

class control_session : public connection, public std::enable_shared_from_this<control_session> {
public:
    control_session(boost::asio::ip::tcp::socket socket, std::shared_ptr<control_api> api)
        : stream_(std::move(socket)), api_(std::move(api)) {}

    void run() { do_read(); }

    void close() override {
        beast::error_code ignored;
        stream_.socket().shutdown(boost::asio::socket_base::shutdown_both, ignored);
        stream_.close();
    }

private:
    void do_read() {
        request_ = {};
        stream_.expires_after(idle_timeout);
        http::async_read(stream_, buffer_, request_,
                         beast::bind_front_handler(&control_session::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t /*bytes*/) {
        if (ec == http::error::end_of_stream)
            return do_close();
        if (ec)
            return fail(ec, "control read");
        const auto reply =
            api_->handle(view(request_.method_string()), view(request_.target()), request_.body());
        fill_response(response_, request_, reply.status, "application/json", reply.body);
        http::async_write(
            stream_, response_,
            beast::bind_front_handler(&control_session::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t /*bytes*/) {
        if (ec)
            return fail(ec, "control write");
        if (!response_.keep_alive())
            return do_close();
        do_read();
    }

    void do_close() {
        beast::error_code ignored;
        stream_.socket().shutdown(boost::asio::socket_base::shutdown_send, ignored);
    }

    beast::tcp_stream stream_;
    std::shared_ptr<control_api> api_;
    beast::flat_buffer buffer_;
    http_request_message request_;
    http_response_message response_;
};

} // namespace

control_server::control_server(boost::asio::io_context& ioc,
                               const boost::asio::ip::tcp::endpoint& endpoint,
                               std::shared_ptr<control_api> api)
    : state_(std::make_shared<state>(state{std::move(api), {}})),
      listener_(std::make_shared<listener>(
          ioc, endpoint,
          [s = state_](boost::asio::ip::tcp::socket socket) { serve(*s, std::move(socket)); })) {}

control_server::~control_server() = default;

std::uint16_t control_server::port() const {
    return listener_->port();
}

void control_server::run() {
    listener_->run();
}

void control_server::stop() {
    listener_->stop();
    for (const auto& weak : state_->sessions)
        if (const auto session = weak.lock())
            session->close();
    state_->sessions.clear();
}

void control_server::serve(state& s, boost::asio::ip::tcp::socket socket) {
    auto session = std::make_shared<control_session>(std::move(socket), s.api);
    std::erase_if(s.sessions, [](const auto& weak) { return weak.expired(); });
    s.sessions.push_back(session);
    session->run();
}

} // namespace mg::sim
