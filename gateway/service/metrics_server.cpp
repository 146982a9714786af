#include "gateway/service/metrics_server.hpp"

#include "gateway/config/url.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <spdlog/spdlog.h>
#include <stdexcept>

namespace mg::service {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// A scraper or probe sends a few hundred bytes; anything larger is not one of them.
constexpr std::uint32_t header_limit = 8 * 1024;
constexpr std::uint64_t body_limit = 1024;
// A connection that says nothing for this long is closed.
constexpr auto idle_timeout = 30s;
// Prometheus and a kubelet need one or two; more is a client that leaks connections.
constexpr std::size_t max_connections = 16;

constexpr std::string_view metrics_type = "text/plain; version=0.0.4; charset=utf-8";

// One connection a scraper or a browser opened to the listener.
class metrics_connection : public std::enable_shared_from_this<metrics_connection> {
public:
    metrics_connection(tcp::socket socket, std::shared_ptr<const metrics_server::handlers> handlers,
                    std::shared_ptr<std::size_t> open)
        : stream_(std::move(socket)), handlers_(std::move(handlers)), open_(std::move(open)) {
        ++*open_;
    }
    ~metrics_connection() { --*open_; }

    void read() {
        parser_.emplace();
        parser_->header_limit(header_limit);
        parser_->body_limit(body_limit);
        stream_.expires_after(idle_timeout);
        http::async_read(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

private:
    void on_read(beast::error_code ec) {
        if (ec) {
            // A malformed request gets an answer; a closed or idle connection just goes.
            const auto& http_category = http::make_error_code(http::error::bad_target).category();
            if (ec != http::error::end_of_stream && ec.category() == http_category)
                return respond_and_close(http::status::bad_request, "bad request\n");
            return close();
        }
        const auto& request = parser_->get();
        response_.result(http::status::ok);
        response_.version(request.version());
        response_.keep_alive(request.keep_alive());
        response_.clear();
        auto& body = response_.body();
        body.clear();
        const auto target = std::string_view(request.target());
        const auto path = target.substr(0, target.find('?'));
        if (request.method() != http::verb::get) {
            response_.result(http::status::method_not_allowed);
            response_.set(http::field::allow, "GET");
            response_.set(http::field::content_type, "text/plain");
            body.append("method not allowed\n");
        } else if (path == "/metrics") {
            response_.set(http::field::content_type, metrics_type);
            handlers_->metrics(body);
        } else if (path == "/healthz") {
            response_.set(http::field::content_type, "application/json");
            if (!handlers_->health(body))
                response_.result(http::status::service_unavailable);
        } else {
            response_.result(http::status::not_found);
            response_.set(http::field::content_type, "text/plain");
            body.append("not found: try /metrics or /healthz\n");
        }
        write();
    }

    void respond_and_close(http::status status, std::string_view text) {
        response_.result(status);
        response_.version(11);
        response_.keep_alive(false);
        response_.clear();
        response_.set(http::field::content_type, "text/plain");
        response_.body().assign(text);
        write();
    }

    void write() {
        response_.set(http::field::server, "mosaic-gateway");
        response_.set(http::field::cache_control, "no-store");
        response_.prepare_payload();
        stream_.expires_after(idle_timeout);
        http::async_write(stream_, response_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec || !self->response_.keep_alive())
                                  return self->close();
                              self->read();
                          });
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.close();
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> response_;
    std::shared_ptr<const metrics_server::handlers> handlers_;
    std::shared_ptr<std::size_t> open_;
};

tcp::endpoint endpoint_of(const config::metrics_settings& at) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(at.host, ec);
    if (ec)
        throw std::runtime_error("metrics: '" + at.host + "' is not an IP address");
    return {address, at.port};
}

std::string describe(const config::metrics_settings& at) {
    return config::host_and_port(at.host, at.port);
}

} // namespace

metrics_server::metrics_server(asio::any_io_executor loop, const config::metrics_settings& at,
                               handlers h)
    : acceptor_(loop), handlers_(std::make_shared<const handlers>(std::move(h))),
      open_connections_(std::make_shared<std::size_t>(0)) {
    const auto endpoint = endpoint_of(at);
    try {
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(tcp::acceptor::reuse_address(true));
        if (endpoint.address().is_v6())
            acceptor_.set_option(asio::ip::v6_only(true));
        acceptor_.bind(endpoint);
        acceptor_.listen();
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error("metrics: cannot listen on " + describe(at) + ": " +
                                 e.code().message());
    }
    spdlog::info("metrics: serving /metrics and /healthz on {}", describe(at));
}

metrics_server::~metrics_server() = default;

void metrics_server::start() {
    accept();
}

void metrics_server::stop() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
}

std::uint16_t metrics_server::port() const {
    boost::system::error_code ec;
    return acceptor_.local_endpoint(ec).port();
}

void metrics_server::accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open())
            return;
        if (!ec) {
            if (*open_connections_ < max_connections)
                std::make_shared<metrics_connection>(std::move(socket), handlers_, open_connections_)
                    ->read();
            // else: the socket closes as it goes out of scope.
        }
        accept();
    });
}

} // namespace mg::service
