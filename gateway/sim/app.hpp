#pragma once
// The whole simulator: N controllers on their ports, the control API, and the tick.

#include "gateway/sim/options.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mg::sim {

class controller;
class control_server;
class listener;

class sim_app {
public:
    // Binds every listener (throws on failure); nothing is accepted before start().
    sim_app(boost::asio::io_context& ioc, options opts);
    ~sim_app();

    void start();
    // Closes listeners and connections and cancels timers; the loop can then run dry.
    void stop();

    // {"ready":true,"ports":[…],"control_port":C[,"fingerprint":"…"]}
    std::string ready_line() const;
    std::vector<std::uint16_t> ports() const;
    std::uint16_t control_port() const;
    const std::string& fingerprint() const { return fingerprint_; }

private:
    void schedule_tick();
    void on_tick(const boost::system::error_code& ec);

    boost::asio::io_context& ioc_;
    options opts_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    std::string fingerprint_;
    std::vector<std::shared_ptr<controller>> controllers_;
    std::vector<std::shared_ptr<listener>> listeners_;
    std::unique_ptr<control_server> control_;
    boost::asio::steady_timer tick_timer_;
};

} // namespace mg::sim
