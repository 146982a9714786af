#include "gateway/sim/ws_connection.hpp"

#include "gateway/sim/controller.hpp"
#include "gateway/sim/log.hpp"
#include "gateway/sim/ws_protocol.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>

namespace mg::sim {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

// Clients send small JSON objects; anything far bigger is a broken client.
constexpr std::size_t max_incoming_message = 1024 * 1024;

template <class Stream>
class ws_connection : public ws_client, public std::enable_shared_from_this<ws_connection<Stream>> {
public:
    ws_connection(Stream&& stream, connection_slot slot)
        : ws_(std::move(stream)), slot_(std::move(slot)) {}

    ~ws_connection() override {
        if (opened_)
            slot_.owner().ws_closed(slot_.id());
    }

    void run(http_request_message upgrade) {
        slot_.attach(this->weak_from_this());
        beast::get_lowest_layer(ws_).expires_never();
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
            res.set(beast::http::field::server, "mosaic-sim");
        }));
        ws_.read_message_max(max_incoming_message);
        // One frame per message, as a client most likely sees from a real controller (inferred).
        ws_.auto_fragment(false);
        ws_.async_accept(upgrade, beast::bind_front_handler(&ws_connection::on_accept,
                                                            this->shared_from_this()));
    }

    void send(ws_frame frame) override {
        queue_.push_back(std::move(frame));
        if (queue_.size() > 1)
            return; // one write in flight; on_write continues with the queue
        do_write();
    }

    void close() override {
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().shutdown(boost::asio::socket_base::shutdown_both,
                                                       ignored);
        beast::get_lowest_layer(ws_).close();
    }

private:
    void on_accept(beast::error_code ec) {
        if (ec)
            return fail(ec, "websocket accept");
        opened_ = true;
        slot_.owner().ws_opened(slot_.id(), this->weak_from_this());
        do_read();
    }

    void do_read() {
        ws_.async_read(
            buffer_, beast::bind_front_handler(&ws_connection::on_read, this->shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t /*bytes*/) {
        if (ec)
            return fail(ec, "websocket read");
        auto& owner = slot_.owner();
        if (ws_.got_text()) {
            const auto data = buffer_.data();
            handle_client_text(owner, slot_.id(),
                               {static_cast<const char*>(data.data()), data.size()});
        } else {
            handle_client_binary(owner, slot_.id());
        }
        buffer_.consume(buffer_.size());
        do_read();
    }

    void do_write() {
        const auto& frame = queue_.front();
        ws_.binary(frame.binary);
        ws_.async_write(
            boost::asio::buffer(*frame.data),
            beast::bind_front_handler(&ws_connection::on_write, this->shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t /*bytes*/) {
        if (ec)
            return fail(ec, "websocket write");
        queue_.pop_front();
        if (!queue_.empty())
            do_write();
    }

    websocket::stream<Stream> ws_;
    connection_slot slot_;
    beast::flat_buffer buffer_;
    std::deque<ws_frame> queue_;
    bool opened_ = false;
};

template <class Stream>
void start(Stream&& stream, connection_slot slot, http_request_message upgrade) {
    std::make_shared<ws_connection<Stream>>(std::move(stream), std::move(slot))
        ->run(std::move(upgrade));
}

} // namespace

void start_ws_connection(plain_stream stream, connection_slot slot, http_request_message upgrade) {
    start(std::move(stream), std::move(slot), std::move(upgrade));
}

void start_ws_connection(tls_stream stream, connection_slot slot, http_request_message upgrade) {
    start(std::move(stream), std::move(slot), std::move(upgrade));
}

} // namespace mg::sim
