#pragma once
// The budget of TCP connections to one controller (max_connections, docs/protocol.md §1.2). A
// controller serves only 8 or 16 HTTP connections, its own web interface included, so
// authentication, the WebSocket and control all take a slot before they connect and give it
// back when their socket is closed.

#include <memory>
#include <optional>

namespace mg::session {

class connection_budget {
    struct state {
        int max;
        int in_use;
    };

public:
    explicit connection_budget(int max) : state_(std::make_shared<state>(state{max, 0})) {}

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
        explicit slot(std::shared_ptr<state> s) : state_(std::move(s)) {}
        void release() {
            if (state_)
                --state_->in_use;
            state_.reset();
        }
        std::shared_ptr<state> state_;
    };

    // A slot, or nothing when every slot is taken.
    std::optional<slot> try_take() {
        if (state_->in_use >= state_->max)
            return std::nullopt;
        ++state_->in_use;
        return slot(state_);
    }

    int max() const { return state_->max; }
    int in_use() const { return state_->in_use; }

private:
    std::shared_ptr<state> state_;
};

} // namespace mg::session
