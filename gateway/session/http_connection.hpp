#pragma once
// One HTTP/1.1 connection to a controller, over TCP or TLS, carrying one request at a time.
// Authentication uses it for a single call; control keeps it open between calls. Owned through
// a shared_ptr that every pending operation holds.

#include "gateway/config/site_config.hpp"
#include "gateway/protocol/traffic.hpp"
#include "gateway/session/controller_stream.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <variant>

namespace mg::session {

namespace http = beast::http;

class http_connection : public std::enable_shared_from_this<http_connection> {
public:
    using request = http::request<http::string_body>;
    using response = http::response<http::string_body>;
    using open_handler = std::function<void(error_code, std::string_view step)>;
    using response_handler = std::function<void(error_code, response&&)>;

    // `tls_context` is null for ws://.
    http_connection(net::any_io_executor executor, const config::controller_settings& target,
                    std::shared_ptr<net::ssl::context> tls_context);

    // Resolve, connect and TLS handshake; `done` names the step that failed.
    void open(open_handler done);
    // Sends `req` with Host and User-Agent set, and reads the answer; both bounded by the
    // target's request_timeout.
    void send(request req, response_handler done);
    // Closes the socket at once; a pending send finishes with an error.
    void close();

    bool is_open() const { return open_; }
    // The reason a TLS handshake failed verification, if any.
    std::string tls_failure() const { return check_ ? check_->failure() : std::string(); }

    // Reports each request and its answer (`--capture`).
    void observe(protocol::traffic_observer observer) { observer_ = std::move(observer); }

private:
    beast::tcp_stream& tcp();
    void on_write(error_code ec);
    void on_read(error_code ec);

    const config::controller_settings target_; // a copy: pending handlers may outlive the owner
    std::shared_ptr<net::ssl::context> tls_context_;
    host_lookup lookup_;
    std::variant<std::unique_ptr<beast::tcp_stream>, std::unique_ptr<tls_stream>> stream_;
    std::optional<certificate_check> check_;
    beast::flat_buffer buffer_;
    request request_;
    response response_;
    response_handler pending_;
    bool open_ = false;
    protocol::traffic_observer observer_;
};

} // namespace mg::session
