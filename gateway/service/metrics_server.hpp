#pragma once
// The HTTP listener of metrics.listen: GET /metrics and GET /healthz, 404 for any other path,
// 405 for any other method. Beast on the gateway's own event loop; the bodies come from the
// callbacks, which append to a buffer each connection keeps, so a scraper that keeps its
// connection open costs no allocation once the buffer has grown to size.

#include "gateway/config/site_config.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
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
    };

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

private:
    void accept();

    boost::asio::ip::tcp::acceptor acceptor_;
    std::shared_ptr<const handlers> handlers_;
    std::shared_ptr<std::size_t> open_connections_;
};

} // namespace mg::service
