#include "gateway/sim/listener.hpp"

#include "gateway/sim/log.hpp"

#include <boost/beast/core/bind_handler.hpp>

namespace mg::sim {

listener::listener(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& endpoint,
                   socket_handler on_socket)
    : ioc_(ioc), acceptor_(ioc), on_socket_(std::move(on_socket)) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(boost::asio::socket_base::max_listen_connections);
}

void listener::run() {
    do_accept();
}

void listener::stop() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
}

void listener::do_accept() {
    acceptor_.async_accept(
        ioc_, boost::beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted)
        return;
    if (ec) {
        fail(ec, "accept");
    } else {
        // Small frames go out at once, as a controller's do; Nagle would hold the first ones
        // of every connection behind a delayed acknowledgement.
        boost::system::error_code ignored;
        socket.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
        on_socket_(std::move(socket));
    }
    if (acceptor_.is_open())
        do_accept();
}

} // namespace mg::sim
