#pragma once
// Captures what is logged through spdlog's default logger while it lives, for asserting on
// log lines (and on what must never be logged).

#include <memory>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>
#include <string>
#include <string_view>
#include <vector>

namespace mg::test {

class captured_log {
public:
    captured_log()
        : ring_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000)),
          previous_(spdlog::default_logger()) {
        ring_->set_pattern("%v");
        auto logger = std::make_shared<spdlog::logger>("captured", ring_);
        logger->set_level(spdlog::level::trace);
        spdlog::set_default_logger(std::move(logger));
    }
    ~captured_log() { spdlog::set_default_logger(previous_); }
    captured_log(const captured_log&) = delete;
    captured_log& operator=(const captured_log&) = delete;

    // The messages logged so far, oldest first, without time or level.
    std::vector<std::string> lines() const { return ring_->last_formatted(); }
    std::size_t count(std::string_view text) const {
        std::size_t n = 0;
        for (const auto& line : lines())
            n += line.find(text) != std::string::npos;
        return n;
    }

private:
    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> ring_;
    std::shared_ptr<spdlog::logger> previous_;
};

} // namespace mg::test
