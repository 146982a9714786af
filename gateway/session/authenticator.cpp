#include "gateway/session/authenticator.hpp"

#include "gateway/session/tls.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <variant>

namespace mg::session {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using error_code = boost::system::error_code;

// `user_field` is "username" as documented, or "user" as older firmware and the guide's own
// login form spell it (mosaic-api §2.1).
std::string credentials_body(const config::controller_settings& target, const char* user_field) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key(user_field);
    w.String(target.username);
    w.Key("password");
    w.String(target.password);
    w.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

class auth_call : public std::enable_shared_from_this<auth_call> {
public:
    auth_call(net::any_io_executor executor, const config::controller_settings& target,
              std::shared_ptr<net::ssl::context> tls_context, const char* user_field,
              std::function<void(auth_result)> done)
        : target_(target), user_field_(user_field), resolver_(executor),
          tls_context_(std::move(tls_context)), done_(std::move(done)) {
        if (tls_context_) {
            stream_ = std::make_unique<tls_stream>(executor, *tls_context_);
            check_.emplace(target.tls, target.host);
        } else {
            stream_ = std::make_unique<beast::tcp_stream>(executor);
        }
    }

    void run() {
        request_.method(http::verb::post);
        request_.target("/authenticate");
        const bool default_port = target_.port == (target_.secure ? 443 : 80);
        request_.set(http::field::host, default_port
                                            ? target_.host
                                            : target_.host + ":" + std::to_string(target_.port));
        request_.set(http::field::user_agent, "mosaic-gateway/" MG_VERSION);
        request_.set(http::field::content_type, "application/json");
        request_.set(http::field::connection, "close");
        request_.body() = credentials_body(target_, user_field_);
        request_.prepare_payload();
        resolver_.async_resolve(
            target_.host, std::to_string(target_.port),
            beast::bind_front_handler(&auth_call::on_resolve, shared_from_this()));
    }

private:
    using tls_stream = beast::ssl_stream<beast::tcp_stream>;

    beast::tcp_stream& tcp() {
        return std::visit([](auto& s) -> beast::tcp_stream& { return beast::get_lowest_layer(*s); },
                          stream_);
    }

    void fail(error_code ec, std::string_view step) {
        std::string why = "authentication " + std::string(step) + " failed: " + ec.message();
        if (check_ && !check_->failure().empty())
            why = "authentication " + std::string(step) + " failed: " + check_->failure();
        finish({auth_result::outcome::failed, std::move(why)});
    }

    void finish(auth_result result) {
        error_code ignored;
        tcp().socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
        tcp().close();
        if (done_)
            std::exchange(done_, nullptr)(std::move(result));
    }

    void on_resolve(error_code ec, net::ip::tcp::resolver::results_type results) {
        if (ec)
            return fail(ec, "resolve");
        tcp().expires_after(target_.request_timeout);
        tcp().async_connect(results,
                            beast::bind_front_handler(&auth_call::on_connect, shared_from_this()));
    }

    void on_connect(error_code ec, net::ip::tcp::endpoint) {
        if (ec)
            return fail(ec, "connect");
        if (auto* secure = std::get_if<std::unique_ptr<tls_stream>>(&stream_)) {
            error_code not_address;
            net::ip::make_address(target_.host, not_address);
            if (not_address)
                SSL_set_tlsext_host_name((*secure)->native_handle(), target_.host.c_str());
            (*secure)->set_verify_callback(*check_);
            return (*secure)->async_handshake(
                net::ssl::stream_base::client,
                beast::bind_front_handler(&auth_call::on_handshake, shared_from_this()));
        }
        on_handshake({});
    }

    void on_handshake(error_code ec) {
        if (ec)
            return fail(ec, "TLS handshake");
        std::visit(
            [&](auto& s) {
                http::async_write(
                    *s, request_,
                    beast::bind_front_handler(&auth_call::on_write, shared_from_this()));
            },
            stream_);
    }

    void on_write(error_code ec, std::size_t) {
        if (ec)
            return fail(ec, "request");
        std::visit(
            [&](auto& s) {
                http::async_read(
                    *s, buffer_, response_,
                    beast::bind_front_handler(&auth_call::on_read, shared_from_this()));
            },
            stream_);
    }

    void on_read(error_code ec, std::size_t) {
        if (ec)
            return fail(ec, "response");
        auto result = interpret_auth_response(response_.result_int(), response_.body());
        result.http_status = response_.result_int();
        finish(std::move(result));
    }

    const config::controller_settings target_; // a copy: pending handlers may outlive the session
    const char* user_field_;
    net::ip::tcp::resolver resolver_;
    std::shared_ptr<net::ssl::context> tls_context_;
    std::variant<std::unique_ptr<beast::tcp_stream>, std::unique_ptr<tls_stream>> stream_;
    std::optional<certificate_check> check_;
    std::function<void(auth_result)> done_;
    http::request<http::string_body> request_;
    http::response<http::string_body> response_;
    beast::flat_buffer buffer_;
};

} // namespace

void authenticate(net::any_io_executor executor, const config::controller_settings& target,
                  std::shared_ptr<net::ssl::context> tls_context,
                  std::function<void(auth_result)> done) {
    // A 400 means a missing or mistyped attribute: try once more with the older field name.
    auto retry = [executor, target, tls_context, done](auth_result result) mutable {
        if (result.http_status != 400)
            return done(std::move(result));
        std::make_shared<auth_call>(executor, target, tls_context, "user", std::move(done))->run();
    };
    std::make_shared<auth_call>(executor, target, tls_context, "username", std::move(retry))->run();
}

auth_result interpret_auth_response(unsigned status, std::string_view body) {
    if (status >= 300 && status < 400)
        return {auth_result::outcome::rejected, "credentials rejected (controller redirected)"};
    if (status < 200 || status >= 300)
        return {auth_result::outcome::failed,
                "authentication answered HTTP " + std::to_string(status)};
    rapidjson::Document doc;
    doc.Parse(body.data(), body.size());
    if (!doc.HasParseError() && doc.IsObject()) {
        const auto token = doc.FindMember("token");
        if (token != doc.MemberEnd() && token->value.IsString() &&
            token->value.GetStringLength() > 0)
            return {auth_result::outcome::token, token->value.GetString()};
    }
    return {auth_result::outcome::rejected, "credentials rejected (no token in reply)"};
}

} // namespace mg::session
