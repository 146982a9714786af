#pragma once
// The HTTP listener of metrics.listen: GET /metrics, /healthz, /status.json and the status page
// at /; 404 for any other path, 405 for any other method. Beast on the gateway's own event
// loop; the bodies come from the callbacks, which append to a buffer each connection keeps, so
// a scraper that keeps its connection open costs no allocation once the buffer has grown.
//
// The port stays answerable (README "Metrics and health"): at most a few connections are kept,
// a new one closes the oldest idle or slow one when there is no room, the listener never stops
// accepting, and an accept error (out of descriptors) waits a growing delay instead of spinning.

#include "gateway/config/site_config.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace mg::service {

class metrics_server {
public:
    struct handlers {
        // Appends the Prometheus exposition.
        std::function<void(std::string&)> metrics;
        // Appends the JSON health report; returns whether the gateway is healthy.
        std::function<bool(std::string&)> health;
        // Appends the status report (CONTRACT §9); absent: /status.json and / answer 404.
        std::function<void(std::string&)> status;
    };

    // Connections kept open at once: Prometheus and a kubelet need one or two each, and a
    // browser with the status page open a few.
    static constexpr std::size_t max_connections = 16;

    // Binds at once; throws std::runtime_error naming the address when it cannot.
    metrics_server(boost::asio::any_io_executor loop, const config::metrics_settings& at,
                   handlers h);
    ~metrics_server();
    metrics_server(const metrics_server&) = delete;
    metrics_server& operator=(const metrics_server&) = delete;

    void start();
    // Stops accepting; connections in progress end with their current request.
    void stop();

    // The bound port (the configured one, or the one the system chose for port 0).
    std::uint16_t port() const;

    struct registry; // the open connections, oldest first, and what the listener counted

private:
    void accept();
    void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer retry_;
    std::chrono::milliseconds retry_delay_{0};
    std::shared_ptr<const handlers> handlers_;
    std::shared_ptr<registry> registry_;
};

} // namespace mg::service
