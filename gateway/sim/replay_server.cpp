#include "gateway/sim/replay_server.hpp"

#include "gateway/sim/json.hpp"
#include "gateway/sim/listener.hpp"
#include "gateway/sim/log.hpp"
#include "gateway/sim/options.hpp"
#include "gateway/sim/streams.hpp"
#include "gateway/sim/tls.hpp"
#include "gateway/sim/url.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <deque>
#include <fstream>
#include <list>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <type_traits>

namespace mg::sim {

struct replay_server::shared_state {
    replay::player player;
    double speed = 1.0;

    // Says on stderr what the player could not play.
    void report() {
        for (const auto& note : player.take_notes())
            log_info("replay: " + note);
    }
};

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using state_ptr = std::shared_ptr<replay_server::shared_state>;

constexpr auto io_timeout = std::chrono::seconds(30);
constexpr auto idle_timeout = std::chrono::seconds(120);
constexpr std::size_t max_body = 64 * 1024;
constexpr std::size_t max_incoming_message = 1024 * 1024;

std::string_view content_type_of(std::string_view body) {
    if (body.empty())
        return {};
    return body.front() == '{' || body.front() == '[' ? "application/json" : "text/plain";
}

template <class Stream> class replay_ws : public std::enable_shared_from_this<replay_ws<Stream>> {
public:
    replay_ws(Stream&& stream, state_ptr state)
        : ws_(std::move(stream)), state_(std::move(state)) {}

    void run(http_request_message upgrade) {
        beast::get_lowest_layer(ws_).expires_never();
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        ws_.read_message_max(max_incoming_message);
        ws_.auto_fragment(false);
        ws_.async_accept(
            upgrade, beast::bind_front_handler(&replay_ws::on_accept, this->shared_from_this()));
    }

private:
    void on_accept(beast::error_code ec) {
        if (ec)
            return fail(ec, "websocket accept");
        connection_ = state_->player.open_connection();
        schedule(state_->player.after_open(connection_));
        do_read();
    }

    void do_read() {
        ws_.async_read(buffer_,
                       beast::bind_front_handler(&replay_ws::on_read, this->shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t /*bytes*/) {
        if (ec) {
            for (auto& timer : timers_)
                timer.cancel();
            return fail(ec, "websocket read");
        }
        if (ws_.got_text()) {
            const auto data = buffer_.data();
            auto reaction = state_->player.on_text(
                connection_, {static_cast<const char*>(data.data()), data.size()});
            state_->report();
            if (reaction.reply)
                send(std::move(*reaction.reply));
            schedule(reaction.scheduled);
        }
        buffer_.consume(buffer_.size());
        do_read();
    }

    void schedule(const std::vector<replay::timed_frame>& frames) {
        for (const auto& f : frames) {
            auto& timer = timers_.emplace_back(ws_.get_executor());
            timer.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                std::chrono::duration<double>(f.delay / state_->speed)));
            timer.async_wait([weak = this->weak_from_this(), frame = f.f,
                              it = std::prev(timers_.end())](beast::error_code ec) mutable {
                const auto self = weak.lock();
                if (ec || !self)
                    return;
                self->timers_.erase(it);
                self->send(std::move(frame));
            });
        }
    }

    void send(replay::frame frame) {
        queue_.push_back(std::move(frame));
        if (queue_.size() > 1)
            return; // one write in flight; on_write continues with the queue
        do_write();
    }

    void do_write() {
        ws_.binary(queue_.front().binary);
        ws_.async_write(boost::asio::buffer(queue_.front().data),
                        beast::bind_front_handler(&replay_ws::on_write, this->shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t /*bytes*/) {
        if (ec)
            return fail(ec, "websocket write");
        queue_.pop_front();
        if (!queue_.empty())
            do_write();
    }

    websocket::stream<Stream> ws_;
    state_ptr state_;
    beast::flat_buffer buffer_;
    std::deque<replay::frame> queue_;
    std::list<boost::asio::steady_timer> timers_;
    std::size_t connection_ = 0;
};

template <class Stream>
class replay_http : public std::enable_shared_from_this<replay_http<Stream>> {
public:
    replay_http(Stream&& stream, state_ptr state)
        : stream_(std::move(stream)), state_(std::move(state)) {}

    void run() {
        if constexpr (std::is_same_v<Stream, tls_stream>) {
            beast::get_lowest_layer(stream_).expires_after(io_timeout);
            stream_.async_handshake(
                boost::asio::ssl::stream_base::server,
                beast::bind_front_handler(&replay_http::on_handshake, this->shared_from_this()));
        } else {
            do_read();
        }
    }

private:
    void on_handshake(beast::error_code ec) {
        if (ec)
            return fail(ec, "tls handshake");
        do_read();
    }

    void do_read() {
        parser_.emplace();
        parser_->body_limit(max_body);
        beast::get_lowest_layer(stream_).expires_after(idle_timeout);
        http::async_read(
            stream_, buffer_, *parser_,
            beast::bind_front_handler(&replay_http::on_read, this->shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t /*bytes*/) {
        if (ec == beast::error::timeout)
            return; // idle too long: the stream has closed the socket
        if (ec)
            return fail(ec, "http read");
        auto request = parser_->release();
        const auto target = view(request.target());
        if (websocket::is_upgrade(request) && split_target(target).path == "/query") {
            std::make_shared<replay_ws<Stream>>(std::move(stream_), state_)
                ->run(std::move(request));
            return;
        }
        const auto reply =
            state_->player.answer_http(view(request.method_string()), target, request.body());
        state_->report();
        if (reply.status == 0) {
            // The recorded request got no answer: neither does this one.
            beast::get_lowest_layer(stream_).close();
            return;
        }
        fill_response(response_, request, reply.status, content_type_of(reply.body), reply.body);
        if (reply.status >= 300 && reply.status < 400)
            response_.set(http::field::location, "/login"); // the capture keeps no headers
        beast::get_lowest_layer(stream_).expires_after(io_timeout);
        http::async_write(
            stream_, response_,
            beast::bind_front_handler(&replay_http::on_write, this->shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t /*bytes*/) {
        if (ec)
            return fail(ec, "http write");
        if (!response_.keep_alive()) {
            beast::get_lowest_layer(stream_).close();
            return;
        }
        do_read();
    }

    Stream stream_;
    state_ptr state_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http_response_message response_;
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw usage_error("--replay: cannot read the capture '" + path + "'");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string pick_controller(const replay::capture& c, const replay_options& opts) {
    const auto names = replay::controller_names(c);
    if (!opts.controller.empty())
        return opts.controller; // build_script names it if it is not there
    if (names.size() == 1)
        return names.front();
    std::string list;
    for (const auto& n : names)
        list += (list.empty() ? "" : ", ") + n;
    if (names.empty())
        throw usage_error("--replay: the capture '" + opts.file + "' holds no controller traffic");
    throw usage_error("--replay: the capture holds several controllers; choose one with "
                      "--controller NAME: " +
                      list);
}

} // namespace

replay_server::replay_server(boost::asio::io_context& ioc, const replay_options& opts) : ioc_(ioc) {
    const auto capture = replay::parse_capture(read_file(opts.file));
    for (const auto& p : capture.problems)
        log_info("replay: " + opts.file + ":" + std::to_string(p.line) + ": " + p.message);
    controller_ = pick_controller(capture, opts);
    replay::script script;
    try {
        script = replay::build_script(capture, controller_);
    } catch (const std::invalid_argument& e) {
        std::string list;
        for (const auto& n : replay::controller_names(capture))
            list += (list.empty() ? "" : ", ") + n;
        throw usage_error("--controller: " + std::string(e.what()) + " (it holds: " + list + ")");
    }
    for (const auto& p : script.problems)
        log_info("replay: " + opts.file + ":" + std::to_string(p.line) + ": " + p.message);
    const bool tls = opts.tls || script.url.starts_with("wss://");
    state_ =
        std::make_shared<shared_state>(shared_state{replay::player(std::move(script)), opts.speed});
    if (tls) {
        const auto identity = make_self_signed_identity();
        tls_ = std::make_shared<boost::asio::ssl::context>(make_server_context(identity));
        fingerprint_ = identity.fingerprint;
    }
    const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address(opts.bind),
                                                  opts.port);
    listener_ = std::make_shared<listener>(
        ioc_, endpoint, [state = state_, tls = tls_](boost::asio::ip::tcp::socket socket) {
            if (tls)
                std::make_shared<replay_http<tls_stream>>(tls_stream(std::move(socket), *tls),
                                                          state)
                    ->run();
            else
                std::make_shared<replay_http<plain_stream>>(plain_stream(std::move(socket)), state)
                    ->run();
        });
}

replay_server::~replay_server() = default;

void replay_server::start() {
    listener_->run();
    log_info("replaying controller " + controller_ + " on port " +
             std::to_string(listener_->port()) + (tls_ ? " (TLS)" : ""));
}

void replay_server::stop() {
    listener_->stop();
}

std::string replay_server::ready_line() const {
    return json::object_text([this](json::writer& w) {
        json::field_bool(w, "ready", true);
        json::key(w, "ports");
        w.StartArray();
        w.Uint(listener_->port());
        w.EndArray();
        json::field_str(w, "controller", controller_);
        if (!fingerprint_.empty())
            json::field_str(w, "fingerprint", fingerprint_);
    });
}

} // namespace mg::sim
