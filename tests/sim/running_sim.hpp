#pragma once
// A mosaic-sim running in-process on its own event-loop thread, plus control API helpers.

#include "gateway/sim/options.hpp"
#include "tests/sim/test_client.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <rapidjson/document.h>
#include <string>
#include <string_view>

namespace mg::sim::test {

class running_sim {
public:
    explicit running_sim(options opts = {});
    ~running_sim();
    running_sim(const running_sim&) = delete;
    running_sim& operator=(const running_sim&) = delete;

    std::uint16_t port(std::size_t controller = 0) const;
    std::uint16_t control_port() const;
    const std::string& fingerprint() const;
    std::string ready_line() const;

    http_result control(std::string_view method, std::string_view target,
                        std::string_view body = {}) const;
    // POST to /controllers/0/<action>; expects 200 and returns the body.
    std::string post(std::string_view action, std::string_view body = "{}",
                     std::size_t controller = 0) const;

    // The /stats object of one controller.
    rapidjson::Document stats(std::size_t controller = 0) const;
    std::uint64_t counter(std::string_view name, std::size_t controller = 0) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// Polls `condition` until it holds or the timeout passes.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 2s);

rapidjson::Document parse(std::string_view text);

} // namespace mg::sim::test
