#pragma once
// Benchmark load: a steady stream of group/timeline changes from one controller.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>

namespace mg::sim {

class controller;

class flood : public std::enable_shared_from_this<flood> {
public:
    // `limit` 0: unlimited.
    flood(boost::asio::any_io_executor executor, std::weak_ptr<controller> target,
          std::uint64_t rate, std::uint64_t limit);

    void start();
    void stop();

private:
    void schedule();
    void on_timer(const boost::system::error_code& ec);

    boost::asio::steady_timer timer_;
    std::weak_ptr<controller> target_;
    std::uint64_t rate_;
    std::uint64_t limit_;
    std::uint64_t sent_ = 0;
    std::chrono::steady_clock::time_point start_{};
    bool stopped_ = false;
};

} // namespace mg::sim
