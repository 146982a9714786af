#include "gateway/mqtt/inbound_router.hpp"

#include "gateway/mqtt/topics.hpp"

#include <exception>
#include <spdlog/spdlog.h>

namespace mg::mqtt {

void inbound_router::add(std::string filter, inbound_handler handler) {
    routes_.push_back(route{std::move(filter), std::move(handler)});
}

void inbound_router::remove(std::string_view filter) {
    for (auto& r : routes_) {
        if (r.filter != filter || !r.handler)
            continue;
        if (dispatching_ > 0)
            retired_.push_back(std::move(r.handler));
        r.handler = nullptr;
    }
    if (dispatching_ == 0)
        std::erase_if(routes_, [](const route& r) { return !r.handler; });
}

std::size_t inbound_router::dispatch(const inbound_message& message) const {
    std::size_t ran = 0;
    ++dispatching_;
    struct done {
        int& depth;
        std::vector<inbound_handler>& retired;
        ~done() {
            if (--depth == 0)
                retired.clear();
        }
    } leave{dispatching_, retired_};
    // By index over the routes there were: one a handler adds serves the next message, and
    // the deque keeps the others in place meanwhile.
    const auto count = routes_.size();
    for (std::size_t i = 0; i < count; ++i) {
        const auto& r = routes_[i];
        if (!r.handler || !topic_matches(r.filter, message.topic))
            continue;
        ++ran;
        try {
            r.handler(message);
        } catch (const std::exception& e) {
            spdlog::error("mqtt: handler for {} failed on {}: {}", r.filter, message.topic,
                          e.what());
        }
    }
    return ran;
}

} // namespace mg::mqtt
