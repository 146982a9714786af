#pragma once
// HTTP/1.1 transport for the control API on its own port.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <vector>

namespace mg::sim {

class connection;
class control_api;
class listener;

class control_server {
public:
    // Binds at once (throws on failure).
    control_server(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& endpoint,
                   std::shared_ptr<control_api> api);
    ~control_server();

    std::uint16_t port() const;
    void run();
    // Stops accepting and closes open control connections.
    void stop();

private:
    // Shared with the accept callback, which may outlive this object in a stopped loop.
    struct state {
        std::shared_ptr<control_api> api;
        std::vector<std::weak_ptr<connection>> sessions;
    };
    static void serve(state& s, boost::asio::ip::tcp::socket socket);

    std::shared_ptr<state> state_;
    std::shared_ptr<listener> listener_;
};

} // namespace mg::sim
