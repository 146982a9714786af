#pragma once
// The gate every message from the broker passes first, on the client library's own thread:
// anyone who may publish to the broker can send any size, so the size is checked before the
// payload is copied. A payload larger than the largest any subscription accepts is left
// behind unread; the message still goes on, with its topic and properties and the size in
// `oversize`, so that a `/get` or a command is answered `invalid_payload` all the same.
// The loop sets the limit as subscriptions come and go; the library's thread only reads it.

#include "gateway/mqtt/sink.hpp"

#include <atomic>
#include <cstddef>
#include <string_view>

namespace mg::mqtt {

class inbound_gate {
public:
    void set_limit(std::size_t bytes) { limit_.store(bytes, std::memory_order_relaxed); }
    std::size_t limit() const { return limit_.load(std::memory_order_relaxed); }

    // The message the loop receives. `payload` is only viewed: it is copied when within the
    // limit and not at all otherwise.
    inbound_message admit(std::string_view topic, std::string_view payload,
                          std::string_view response_topic, std::string_view correlation_data,
                          bool retained) const;

private:
    std::atomic<std::size_t> limit_{0};
};

} // namespace mg::mqtt
