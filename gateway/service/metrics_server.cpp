#include "gateway/service/metrics_server.hpp"

#include "gateway/config/url.hpp"
#include "gateway/service/status_page.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <list>
#include <optional>
#include <spdlog/spdlog.h>
#include <stdexcept>

namespace mg::service {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace metrics_http {

class connection;

} // namespace metrics_http

struct metrics_server::registry {
    // Oldest first: the first one that is not answering is closed when a new one needs room.
    std::list<std::weak_ptr<metrics_http::connection>> open;
    std::uint64_t closed_for_room = 0;
    std::uint64_t accept_errors = 0;
};

namespace metrics_http {

// A scraper or probe sends a few hundred bytes; anything larger is not one of them.
constexpr std::uint32_t header_limit = 8 * 1024;
constexpr std::uint64_t body_limit = 1024;
// A connection that says nothing for this long is closed.
constexpr auto idle_timeout = 30s;
// After an accept error the listener waits this long, doubling up to the maximum, so that a
// process out of descriptors does not spin; a successful accept resets it.
constexpr auto first_retry = 50ms;
constexpr auto max_retry = 1000ms;

constexpr std::string_view metrics_type = "text/plain; version=0.0.4; charset=utf-8";

void append_number(std::string& out, std::uint64_t value) {
    char buffer[24];
    out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr);
}

std::size_t open_count(const metrics_server::registry& r);

// The listener's own figures, after the gateway's.
void write_listener_metrics(std::string& out, const metrics_server::registry& r) {
    const auto family = [&out](std::string_view name, std::string_view type, std::string_view help,
                               std::uint64_t value) {
        out.append("# HELP mosaic_gateway_").append(name).append(" ").append(help).append("\n");
        out.append("# TYPE mosaic_gateway_").append(name).append(" ").append(type).append("\n");
        out.append("mosaic_gateway_").append(name).append(" ");
        append_number(out, value);
        out.append("\n");
    };
    family("http_connections", "gauge", "Connections open to the metrics port.", open_count(r));
    family("http_connections_closed_total", "counter",
           "Idle or slow connections to the metrics port closed to make room for a new one.",
           r.closed_for_room);
    family("http_accept_errors_total", "counter",
           "Connections the metrics port could not accept (out of file descriptors, ...).",
           r.accept_errors);
}

class connection : public std::enable_shared_from_this<connection> {
public:
    connection(tcp::socket socket, std::shared_ptr<const metrics_server::handlers> handlers,
               std::shared_ptr<metrics_server::registry> registry)
        : stream_(std::move(socket)), handlers_(std::move(handlers)),
          registry_(std::move(registry)) {}
    ~connection() { registry_->open.erase(where_); }

    // Registers the connection as the newest and starts reading its first request.
    void start() {
        where_ = registry_->open.insert(registry_->open.end(), weak_from_this());
        read();
    }

    // Whether closing it makes room: open, and waiting for (the rest of) a request.
    bool idle() const { return !answering_ && !closed_; }
    bool closed() const { return closed_; }

    // Makes room for another connection: the socket closes now, the pending read ends.
    void close() {
        if (closed_)
            return;
        closed_ = true;
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.close();
    }

private:
    void read() {
        answering_ = false;
        parser_.emplace();
        parser_->header_limit(header_limit);
        parser_->body_limit(body_limit);
        stream_.expires_after(idle_timeout);
        http::async_read(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        if (closed_)
            return;
        if (ec) {
            // A malformed request gets an answer; a closed or idle connection just goes.
            const auto& http_category = http::make_error_code(http::error::bad_target).category();
            if (ec != http::error::end_of_stream && ec.category() == http_category)
                return respond_and_close(http::status::bad_request, "bad request\n");
            return close();
        }
        answering_ = true;
        const auto& request = parser_->get();
        response_.result(http::status::ok);
        response_.version(request.version());
        // clear() first: it would also drop the Connection header keep_alive() sets.
        response_.clear();
        response_.keep_alive(request.keep_alive());
        auto& body = response_.body();
        body.clear();
        const auto target = std::string_view(request.target());
        const auto path = target.substr(0, target.find('?'));
        const bool status = static_cast<bool>(handlers_->status);
        if (request.method() != http::verb::get) {
            response_.result(http::status::method_not_allowed);
            response_.set(http::field::allow, "GET");
            response_.set(http::field::content_type, "text/plain");
            body.append("method not allowed\n");
        } else if (path == "/metrics") {
            response_.set(http::field::content_type, metrics_type);
            handlers_->metrics(body);
            write_listener_metrics(body, *registry_);
        } else if (path == "/healthz") {
            response_.set(http::field::content_type, "application/json");
            if (!handlers_->health(body))
                response_.result(http::status::service_unavailable);
        } else if (status && path == "/status.json") {
            response_.set(http::field::content_type, "application/json");
            handlers_->status(body);
        } else if (status && path == "/") {
            response_.set(http::field::content_type, "text/html; charset=utf-8");
            // Everything the page needs is in it; it fetches /status.json from here only.
            response_.set("Content-Security-Policy",
                          "default-src 'none'; connect-src 'self'; style-src 'unsafe-inline'; "
                          "script-src 'unsafe-inline'; img-src data:");
            body.append(status_page_html);
        } else {
            response_.result(http::status::not_found);
            response_.set(http::field::content_type, "text/plain");
            body.append(status ? "not found: try /, /status.json, /metrics or /healthz\n"
                               : "not found: try /metrics or /healthz\n");
        }
        write();
    }

    void respond_and_close(http::status status, std::string_view text) {
        answering_ = true;
        response_.result(status);
        response_.version(11);
        response_.clear();
        response_.keep_alive(false);
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
                              if (self->closed_)
                                  return;
                              if (ec || !self->response_.keep_alive())
                                  return self->close();
                              self->read();
                          });
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> response_;
    std::shared_ptr<const metrics_server::handlers> handlers_;
    std::shared_ptr<metrics_server::registry> registry_;
    std::list<std::weak_ptr<connection>>::iterator where_;
    bool answering_ = false;
    bool closed_ = false;
};

// Closes the oldest connection that is not being answered; false when every one is.
bool close_oldest_idle(metrics_server::registry& r) {
    for (const auto& weak : r.open) {
        const auto c = weak.lock();
        if (c && c->idle()) {
            c->close();
            ++r.closed_for_room;
            return true;
        }
    }
    return false;
}

// Connections not closed yet (a closed one leaves the list once its last handler has run).
std::size_t open_count(const metrics_server::registry& r) {
    std::size_t n = 0;
    for (const auto& weak : r.open) {
        const auto c = weak.lock();
        n += c && !c->closed() ? 1 : 0;
    }
    return n;
}

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

} // namespace metrics_http

metrics_server::metrics_server(asio::any_io_executor loop, const config::metrics_settings& at,
                               handlers h)
    : acceptor_(loop), retry_(loop), handlers_(std::make_shared<const handlers>(std::move(h))),
      registry_(std::make_shared<registry>()) {
    const auto endpoint = metrics_http::endpoint_of(at);
    try {
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(tcp::acceptor::reuse_address(true));
        if (endpoint.address().is_v6())
            acceptor_.set_option(asio::ip::v6_only(true));
        acceptor_.bind(endpoint);
        acceptor_.listen();
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error("metrics: cannot listen on " + metrics_http::describe(at) + ": " +
                                 e.code().message());
    }
    spdlog::info("metrics: serving {} on {}",
                 handlers_->status ? "/metrics, /healthz, /status.json and the status page at /"
                                   : "/metrics and /healthz",
                 metrics_http::describe(at));
}

metrics_server::~metrics_server() = default;

void metrics_server::start() {
    accept();
}

void metrics_server::stop() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    retry_.cancel();
}

std::uint16_t metrics_server::port() const {
    boost::system::error_code ec;
    return acceptor_.local_endpoint(ec).port();
}

void metrics_server::accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
        on_accept(ec, std::move(socket));
    });
}

void metrics_server::on_accept(boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open())
        return;
    if (ec == asio::error::connection_aborted || ec == asio::error::connection_reset)
        return accept(); // that client went before it was taken; the next one may be waiting
    if (ec) {
        // Out of descriptors (or memory): free one if any connection can go, and wait before
        // the next try, since the same error would come back at once.
        ++registry_->accept_errors;
        if (retry_delay_ == 0ms)
            spdlog::warn("metrics: cannot accept a connection: {}; retrying with backoff",
                         ec.message());
        metrics_http::close_oldest_idle(*registry_);
        retry_delay_ =
            retry_delay_ == 0ms
                ? std::chrono::milliseconds(metrics_http::first_retry)
                : std::min(retry_delay_ * 2, std::chrono::milliseconds(metrics_http::max_retry));
        retry_.expires_after(retry_delay_);
        retry_.async_wait([this](boost::system::error_code wait_ec) {
            if (!wait_ec && acceptor_.is_open())
                accept();
        });
        return;
    }
    if (retry_delay_ != 0ms) {
        spdlog::info("metrics: accepting connections again");
        retry_delay_ = 0ms;
    }
    if (metrics_http::open_count(*registry_) >= max_connections &&
        !metrics_http::close_oldest_idle(*registry_)) {
        // Every connection is being answered right now: this one waits for none of them.
        accept();
        return;
    }
    auto c = std::make_shared<metrics_http::connection>(std::move(socket), handlers_, registry_);
    c->start();
    accept();
}

} // namespace mg::service
