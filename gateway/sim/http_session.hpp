#pragma once
// Serves one accepted TCP connection of a controller port: TLS handshake when configured, then
// HTTP requests until the client upgrades /query to a WebSocket or goes away. HTTP/1.1 keep-alive:
// one connection serves many requests until `Connection: close` or `--http-idle` (default 120 s)
// without one.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>

namespace mg::sim {

class controller;

// Admits the connection against the controller's budget and serves it, or closes it at once
// when the budget is spent or the controller is refusing. `tls` null: plain HTTP/WebSocket.
void serve_controller_connection(const std::shared_ptr<controller>& owner,
                                 boost::asio::ip::tcp::socket socket,
                                 boost::asio::ssl::context* tls);

} // namespace mg::sim
