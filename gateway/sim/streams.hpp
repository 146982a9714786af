#pragma once
// The two transports a controller port serves, plain TCP (ws/http) or TLS (wss/https), and the
// bits of HTTP both simulator servers share.

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <string>
#include <string_view>

namespace mg::sim {

using plain_stream = boost::beast::tcp_stream;
using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
using http_request_message = boost::beast::http::request<boost::beast::http::string_body>;
using http_response_message = boost::beast::http::response<boost::beast::http::string_body>;

inline std::string_view view(boost::beast::string_view s) {
    return {s.data(), s.size()};
}

// Resets `response` to answer `request` (same version and keep-alive) with this body; an empty
// `content_type` sends none (204 No Content).
inline void fill_response(http_response_message& response, const http_request_message& request,
                          unsigned status, std::string_view content_type, std::string body) {
    namespace http = boost::beast::http;
    response = {};
    response.version(request.version());
    response.result(status);
    response.set(http::field::server, "mosaic-sim");
    if (!content_type.empty())
        response.set(http::field::content_type, content_type);
    response.keep_alive(request.keep_alive());
    response.body() = std::move(body);
    response.prepare_payload();
}

} // namespace mg::sim
