#pragma once
// sd_notify(3) for Type=notify units: readiness, reload and stop, a status line, and a
// watchdog kept alive by the event loop itself so a stuck loop gets the service restarted.
// Without NOTIFY_SOCKET every call is a no-op.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <string>

namespace mg::service {

class systemd_notifier {
public:
    // `status` is asked for a one-line summary every few seconds.
    systemd_notifier(boost::asio::any_io_executor loop, std::function<std::string()> status);

    void ready();
    void reloading();
    void stopping();

private:
    void tick();
    void send(const std::string& state);

    boost::asio::steady_timer timer_;
    std::function<std::string()> status_;
    std::string last_status_;
    std::chrono::microseconds watchdog_{0};
    std::chrono::milliseconds period_;
    bool stopped_ = false;
};

} // namespace mg::service
