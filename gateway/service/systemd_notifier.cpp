#include "gateway/service/systemd_notifier.hpp"

#include <cstdlib>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>
#include <time.h>

namespace mg::service {
namespace {

constexpr std::chrono::milliseconds status_period = std::chrono::seconds(5);

std::string monotonic_usec() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return std::to_string(static_cast<std::uint64_t>(now.tv_sec) * 1000000u +
                          static_cast<std::uint64_t>(now.tv_nsec) / 1000u);
}

} // namespace

systemd_notifier::systemd_notifier(boost::asio::any_io_executor loop,
                                   std::function<std::string()> status)
    : timer_(loop), status_(std::move(status)), period_(status_period) {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
        watchdog_ = std::chrono::microseconds(usec);
        // Half the watchdog interval, as sd_watchdog_enabled(3) advises.
        period_ =
            std::min(period_, std::chrono::duration_cast<std::chrono::milliseconds>(watchdog_ / 2));
    }
}

void systemd_notifier::ready() {
    send("READY=1");
    if (std::getenv("NOTIFY_SOCKET"))
        tick();
}

void systemd_notifier::reloading() {
    send("RELOADING=1\nMONOTONIC_USEC=" + monotonic_usec());
}

void systemd_notifier::stopping() {
    stopped_ = true;
    timer_.cancel();
    send("STOPPING=1");
}

void systemd_notifier::tick() {
    if (stopped_)
        return;
    if (watchdog_.count() > 0)
        send("WATCHDOG=1");
    if (auto status = status_(); status != last_status_) {
        send("STATUS=" + status);
        last_status_ = std::move(status);
    }
    timer_.expires_after(period_);
    timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec)
            tick();
    });
}

void systemd_notifier::send(const std::string& state) {
    if (!std::getenv("NOTIFY_SOCKET"))
        return;
    if (const int r = sd_notify(0, state.c_str()); r < 0)
        spdlog::debug("sd_notify failed: {}", r);
}

} // namespace mg::service
