#include "gateway/session/connection_budget.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>

namespace mg::session {

namespace net = boost::asio;

struct connection_budget::state : std::enable_shared_from_this<state> {
    struct waiter {
        std::uint64_t id;
        std::unique_ptr<net::steady_timer> deadline;
        take_handler done;
    };

    state(net::any_io_executor e, int m) : executor(std::move(e)), max(m) {}

    // Hands free slots to those waiting, oldest first.
    void serve() {
        while (in_use < max && !waiting.empty()) {
            auto next = std::move(waiting.front());
            waiting.pop_front();
            next.deadline->cancel();
            ++in_use;
            net::post(executor, [done = std::move(next.done),
                                 s = slot(shared_from_this())]() mutable { done(std::move(s)); });
        }
    }

    void expire(std::uint64_t id) {
        for (auto it = waiting.begin(); it != waiting.end(); ++it) {
            if (it->id != id)
                continue;
            auto done = std::move(it->done);
            waiting.erase(it);
            return done(std::nullopt);
        }
    }

    net::any_io_executor executor;
    int max;
    int in_use = 0;
    std::uint64_t next_id = 0;
    std::deque<waiter> waiting;
};

void connection_budget::slot::release() {
    if (!state_)
        return;
    const auto s = std::move(state_);
    --s->in_use;
    s->serve();
}

connection_budget::connection_budget(net::any_io_executor executor, int max)
    : state_(std::make_shared<state>(std::move(executor), max)) {}

std::optional<connection_budget::slot> connection_budget::try_take() {
    // Those already waiting come first.
    if (state_->in_use >= state_->max || !state_->waiting.empty())
        return std::nullopt;
    ++state_->in_use;
    return slot(state_);
}

void connection_budget::async_take(std::chrono::steady_clock::duration timeout, take_handler done) {
    const auto id = state_->next_id++;
    auto deadline = std::make_unique<net::steady_timer>(state_->executor, timeout);
    deadline->async_wait([weak = std::weak_ptr<state>(state_), id](boost::system::error_code ec) {
        if (ec == net::error::operation_aborted)
            return;
        if (const auto s = weak.lock())
            s->expire(id);
    });
    state_->waiting.push_back({id, std::move(deadline), std::move(done)});
    state_->serve();
}

void connection_budget::set_max(int max) {
    state_->max = max;
    state_->serve();
}

int connection_budget::max() const {
    return state_->max;
}

int connection_budget::in_use() const {
    return state_->in_use;
}

} // namespace mg::session
