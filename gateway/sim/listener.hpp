#pragma once
// An accept loop on one port, handing each accepted socket to a callback. Serves the controller
// ports and the control port alike.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <memory>

namespace mg::sim {

class listener : public std::enable_shared_from_this<listener> {
public:
    using socket_handler = std::function<void(boost::asio::ip::tcp::socket)>;

    // Binds at once (throws on failure), so the port is known before the ready line.
    listener(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& endpoint,
             socket_handler on_socket);

    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    void run();
    void stop();

private:
    void do_accept();
    void on_accept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket);

    boost::asio::io_context& ioc_;
    boost::asio::ip::tcp::acceptor acceptor_;
    socket_handler on_socket_;
};

} // namespace mg::sim
