#pragma once
// The one way to reach a controller, shared by authentication, the WebSocket and HTTP control:
// look up, connect, and for wss:// the TLS handshake with SNI and the certificate check (CA
// chain or pinned fingerprint); and the Host header those connections send.

#include "gateway/config/site_config.hpp"
#include "gateway/session/host_lookup.hpp"
#include "gateway/session/tls.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <functional>
#include <string>
#include <string_view>

namespace mg::session {

namespace beast = boost::beast;
namespace net = boost::asio;
using error_code = boost::system::error_code;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// IPv6 literals in brackets (RFC 7230 §5.4), the port only when it is not the scheme's default.
std::string host_header(const config::controller_settings& target);

// What a failed async_connect says: `<step> failed: <why>`, in the certificate check's own
// words when that is what failed (`tls_failure`, empty otherwise).
std::string connect_failure(std::string_view step, error_code ec, std::string_view tls_failure);

// `step` names what failed: resolve, connect or TLS handshake.
using connect_handler = std::function<void(error_code, std::string_view step)>;

// Looks the target up and connects `tcp`; with `tls` (whose lowest layer is `tcp`) also runs
// the handshake under `check`. Each step is bounded by the target's request_timeout; `tcp`
// has no time-out left afterwards. The caller keeps the streams, `lookup` and `check` alive
// until `done` runs (its handler usually owns them), and `done` always runs through the
// executor, never inline. Cancelling `lookup` and closing `tcp` ends the attempt at any step.
void async_connect(host_lookup& lookup, beast::tcp_stream& tcp, tls_stream* tls,
                   certificate_check* check, const config::controller_settings& target,
                   connect_handler done);

// Closes the socket at once, without any goodbye; safe to call more than once.
void close_now(beast::tcp_stream& tcp);

} // namespace mg::session
