#pragma once
// The budget of TCP connections to one controller (max_connections, docs/protocol.md §1.2). A
// controller serves only 8 or 16 HTTP connections, its own web interface included, so
// authentication, the WebSocket and control all take a slot before they connect and give it
// back when their socket is closed.
//
// One budget per controller, held above its session: copies share it, so the session a reload
// starts waits for the slots the stopped one still holds while its WebSocket closes.

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace mg::session {

class connection_budget {
    struct state;

public:
    connection_budget(boost::asio::any_io_executor executor, int max);

    // Held while a connection is open; the slot goes back when this is destroyed. May
    // outlive the budget's owner.
    class slot {
    public:
        slot(slot&& other) noexcept = default;
        slot& operator=(slot&& other) noexcept {
            release();
            state_ = std::move(other.state_);
            return *this;
        }
        slot(const slot&) = delete;
        slot& operator=(const slot&) = delete;
        ~slot() { release(); }

    private:
        friend class connection_budget;
        friend struct state;
        explicit slot(std::shared_ptr<state> s) : state_(std::move(s)) {}
        void release();
        std::shared_ptr<state> state_;
    };
    using take_handler = std::function<void(std::optional<slot>)>;

    // A slot, or nothing when every slot is taken.
    std::optional<slot> try_take();
    // A slot as soon as one is free, in the order asked; nothing once `timeout` has passed.
    // `done` runs once, through the executor; a slot it does not keep goes back at once.
    void async_take(std::chrono::steady_clock::duration timeout, take_handler done);

    // A reload may change max_connections: slots held beyond the new bound are not taken
    // back, but none is handed out until the count is under it.
    void set_max(int max);
    int max() const;
    int in_use() const;

private:
    std::shared_ptr<state> state_;
};

} // namespace mg::session
