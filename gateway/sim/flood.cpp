#include "gateway/sim/flood.hpp"

#include "gateway/sim/changes.hpp"
#include "gateway/sim/controller.hpp"
#include "gateway/sim/log.hpp"

#include <algorithm>
#include <boost/beast/core/bind_handler.hpp>

namespace mg::sim {
namespace {

using clock = std::chrono::steady_clock;

// Timers fire at most this often; higher rates send a batch per firing, keeping the average rate.
constexpr auto min_period = std::chrono::milliseconds(1);
// Bounds one batch so a stalled loop cannot turn into an unbounded burst.
constexpr std::uint64_t max_batch = 10'000;

} // namespace

flood::flood(boost::asio::any_io_executor executor, std::weak_ptr<controller> target,
             std::uint64_t rate, std::uint64_t limit)
    : timer_(std::move(executor)), target_(std::move(target)), rate_(rate), limit_(limit) {}

void flood::start() {
    start_ = clock::now();
    schedule();
}

void flood::stop() {
    stopped_ = true;
    timer_.cancel();
}

void flood::schedule() {
    const auto period = std::max<clock::duration>(
        min_period, std::chrono::nanoseconds(1'000'000'000 / std::max<std::uint64_t>(rate_, 1)));
    timer_.expires_after(period);
    timer_.async_wait(boost::beast::bind_front_handler(&flood::on_timer, shared_from_this()));
}

void flood::on_timer(const boost::system::error_code& ec) {
    if (ec)
        return fail(ec, "flood timer");
    const auto target = target_.lock();
    if (stopped_ || !target)
        return;
    const auto now = clock::now();
    const auto elapsed_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - start_).count();
    const auto due = static_cast<std::uint64_t>(static_cast<long double>(elapsed_ns) * rate_ / 1e9);
    auto batch = std::min(due > sent_ ? due - sent_ : 0, max_batch);
    if (limit_ != 0)
        batch = std::min(batch, limit_ - sent_);
    for (std::uint64_t i = 0; i < batch; ++i, ++sent_) {
        const auto sent_ns =
            std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now().time_since_epoch())
                .count();
        auto c = flood_change(target->model(), sent_, sent_ns);
        target->publish(c.channel, std::move(c.frame));
    }
    if (limit_ != 0 && sent_ >= limit_) {
        log_info("flood finished after " + std::to_string(sent_) + " messages");
        return;
    }
    schedule();
}

} // namespace mg::sim
