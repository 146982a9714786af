#pragma once
// `mosaic-sim --replay`: one port that plays the controller side of a capture (README,
// "Field tools"). HTTP calls and WebSocket frames are answered by a replay::player.

#include "gateway/sim/replay_player.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <memory>
#include <string>

namespace mg::sim {

class listener;

struct replay_options {
    std::string file;
    std::string controller; // empty: the only one in the file
    double speed = 1.0;     // 2: broadcasts come twice as fast as recorded
    std::string bind = "127.0.0.1";
    std::uint16_t port = 0;
    bool tls = false; // also on when the capture's WebSocket URL was wss://
};

class replay_server {
public:
    // Reads the capture and binds; throws usage_error with the reason (an unreadable file, no
    // controller of that name, several controllers and none chosen), or std::runtime_error.
    replay_server(boost::asio::io_context& ioc, const replay_options& opts);
    ~replay_server();

    void start();
    void stop();

    // {"ready":true,"ports":[P],"controller":"…"[,"fingerprint":"…"]}
    std::string ready_line() const;

    struct shared_state;

private:
    boost::asio::io_context& ioc_;
    std::shared_ptr<shared_state> state_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    std::string fingerprint_;
    std::string controller_;
    std::shared_ptr<listener> listener_;
};

} // namespace mg::sim
