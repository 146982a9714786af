// A session stopped or replaced while its connection is still being looked up (CONTRACT §4
// rule 2): late completions of the old connection are dropped, and the old and the new session
// share one budget. A real event loop, a real lookup of "localhost" and a real listening port.

#include "gateway/session/controller_session.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>
#include <vector>

namespace mg::session {
namespace {

using namespace std::chrono_literals;
namespace net = boost::asio;

// Accepts connections and counts them; answers nothing.
class counting_listener {
public:
    explicit counting_listener(net::io_context& loop)
        : acceptor_(loop, {net::ip::make_address("127.0.0.1"), 0}) {
        accept();
    }
    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    int accepted() const { return accepted_; }

private:
    void accept() {
        acceptor_.async_accept([this](boost::system::error_code ec, net::ip::tcp::socket s) {
            if (ec)
                return;
            ++accepted_;
            held_.push_back(std::move(s));
            accept();
        });
    }
    net::ip::tcp::acceptor acceptor_;
    std::vector<net::ip::tcp::socket> held_;
    int accepted_ = 0;
};

config::controller_settings lobby(std::uint16_t port) {
    config::controller_settings c;
    c.name = "lobby";
    c.url = "ws://localhost:" + std::to_string(port) + "/query";
    c.host = "localhost";
    c.port = port;
    c.max_connections = 1;
    c.request_timeout = 2s;
    return c;
}

struct recorded_states {
    std::vector<protocol::link_state> states;
    controller_session::event_handler handler() {
        return [this](controller_session&, const protocol::link_event& e) {
            if (const auto* change = std::get_if<protocol::state_changed>(&e))
                states.push_back(change->state);
        };
    }
};

TEST(ControllerSession, StopDuringAHostnameLookupIsSafe) {
    net::io_context loop;
    counting_listener listener(loop);
    protocol::steady_clock clock;
    connection_budget budget(loop.get_executor(), 1);
    recorded_states seen;
    auto session = std::make_shared<controller_session>(loop.get_executor(), lobby(listener.port()),
                                                        clock, seen.handler(), budget);
    session->start();
    // The lookup of "localhost" is still running on its thread when the stop comes.
    session->stop();
    loop.run_for(1s);
    EXPECT_EQ(listener.accepted(), 0) << "a stopped session never connects";
    EXPECT_EQ(budget.in_use(), 0);
    ASSERT_FALSE(seen.states.empty());
    EXPECT_EQ(seen.states.back(), protocol::link_state::stopped);
}

TEST(ControllerSession, ASessionReplacedDuringItsLookupLeavesTheBudgetToItsSuccessor) {
    net::io_context loop;
    counting_listener listener(loop);
    protocol::steady_clock clock;
    connection_budget budget(loop.get_executor(), 1);
    recorded_states old_seen, new_seen;
    auto old_session = std::make_shared<controller_session>(
        loop.get_executor(), lobby(listener.port()), clock, old_seen.handler(), budget);
    old_session->start();
    old_session->stop();
    auto settings = lobby(listener.port());
    settings.keepalive = 5s; // a reload that changed the controller's settings
    auto new_session = std::make_shared<controller_session>(loop.get_executor(), settings, clock,
                                                            new_seen.handler(), budget);
    new_session->start();
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (listener.accepted() == 0 && std::chrono::steady_clock::now() < deadline)
        loop.run_one_for(100ms);
    loop.run_for(300ms);
    EXPECT_EQ(listener.accepted(), 1) << "only the new session connects";
    EXPECT_EQ(budget.in_use(), 1);
    new_session->stop();
    loop.run_for(1s);
    EXPECT_EQ(budget.in_use(), 0);
}

} // namespace
} // namespace mg::session
