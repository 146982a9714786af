#include "gateway/session/authenticator.hpp"

#include "gateway/protocol/json_access.hpp"
#include "gateway/protocol/json_limits.hpp"
#include "gateway/session/http_connection.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace mg::session {
namespace {

// `user_field` is "username" as documented, or "user" as older firmware and the guide's own
// login form spell it (docs/protocol.md §2.2).
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

auth_result failure(std::string_view step, error_code ec, const http_connection& connection) {
    return {auth_result::outcome::failed,
            "authentication " + connect_failure(step, ec, connection.tls_failure())};
}

// One `POST /authenticate` on a connection of its own, closed after the answer.
void authenticate_once(net::any_io_executor executor, const config::controller_settings& target,
                       std::shared_ptr<net::ssl::context> tls_context, const char* user_field,
                       std::function<void(auth_result)> done,
                       const protocol::traffic_observer& observe) {
    auto connection = std::make_shared<http_connection>(executor, target, std::move(tls_context));
    connection->observe(observe);
    http_connection::request request{http::verb::post, "/authenticate", 11};
    request.set(http::field::content_type, "application/json");
    request.set(http::field::connection, "close");
    request.body() = credentials_body(target, user_field);
    connection->open([connection, request = std::move(request),
                      done = std::move(done)](error_code ec, std::string_view step) mutable {
        if (ec)
            return done(failure(step, ec, *connection));
        connection->send(std::move(request), [connection, done = std::move(done)](
                                                 error_code ec, http_connection::response&& r) {
            connection->close();
            if (ec)
                return done(failure("response", ec, *connection));
            auto result = interpret_auth_response(r.result_int(), r.body());
            result.http_status = r.result_int();
            done(std::move(result));
        });
    });
}

} // namespace

void authenticate(net::any_io_executor executor, const config::controller_settings& target,
                  std::shared_ptr<net::ssl::context> tls_context,
                  std::function<void(auth_result)> done, protocol::traffic_observer observe) {
    // A 400 means a missing or mistyped attribute: try once more with the older field name.
    auto retry = [executor, target, tls_context, done, observe](auth_result result) mutable {
        if (result.http_status != 400)
            return done(std::move(result));
        authenticate_once(executor, target, tls_context, "user", std::move(done), observe);
    };
    authenticate_once(executor, target, tls_context, "username", std::move(retry), observe);
}

auth_result interpret_auth_response(unsigned status, std::string_view body) {
    if (status >= 300 && status < 400)
        return {auth_result::outcome::rejected, "credentials rejected (controller redirected)"};
    // Firmware differs: the prose documents a redirect, the vendor's OpenAPI file 401. Any
    // 4xx is the controller's word on these credentials, so it must not be retried quickly:
    // a real controller may lock the account or fill its log. Only 5xx means "try later".
    if (status >= 400 && status < 500)
        return {auth_result::outcome::rejected,
                "credentials rejected (authentication answered HTTP " + std::to_string(status) +
                    ")"};
    if (status < 200 || status >= 300)
        return {auth_result::outcome::failed,
                "authentication answered HTTP " + std::to_string(status)};
    rapidjson::Document doc;
    if (protocol::parse_bounded(doc, body, protocol::max_frame_depth) && doc.IsObject()) {
        if (const auto token = protocol::token_of(doc); !token.empty())
            return {auth_result::outcome::token, std::string(token)};
    }
    return {auth_result::outcome::rejected, "credentials rejected (no token in reply)"};
}

} // namespace mg::session
