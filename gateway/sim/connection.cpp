#include "gateway/sim/connection.hpp"

#include "gateway/sim/controller.hpp"

#include <utility>

namespace mg::sim {

ws_frame text_frame(std::string text) {
    return {std::make_shared<const std::string>(std::move(text)), false};
}

ws_frame binary_frame(std::string bytes) {
    return {std::make_shared<const std::string>(std::move(bytes)), true};
}

connection_slot::connection_slot(std::shared_ptr<controller> owner, std::uint64_t id)
    : owner_(std::move(owner)), id_(id) {}

connection_slot::connection_slot(connection_slot&& other) noexcept
    : owner_(std::move(other.owner_)), id_(other.id_) {}

connection_slot& connection_slot::operator=(connection_slot&& other) noexcept {
    if (this != &other) {
        if (owner_)
            owner_->release(id_);
        owner_ = std::move(other.owner_);
        id_ = other.id_;
    }
    return *this;
}

connection_slot::~connection_slot() {
    if (owner_)
        owner_->release(id_);
}

void connection_slot::attach(std::weak_ptr<connection> carrier) const {
    if (owner_)
        owner_->attach(id_, std::move(carrier));
}

} // namespace mg::sim
