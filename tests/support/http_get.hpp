#pragma once
// A plain HTTP GET to 127.0.0.1, for tests of the gateway's /metrics and /healthz.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace mg::test {

struct http_reply {
    int status = 0; // 0: no answer (refused, timed out, malformed)
    std::string content_type;
    std::string body;
};

http_reply http_get(std::uint16_t port, const std::string& target,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5),
                    const std::string& method = "GET");

// Polls until `accept` holds for a reply or the deadline passes; the last reply either way.
http_reply wait_reply(std::uint16_t port, const std::string& target,
                      const std::function<bool(const http_reply&)>& accept,
                      std::chrono::milliseconds timeout = std::chrono::seconds(15));

// The value of one sample line of a /metrics body, like `name{controller="lobby"}`; -1 when
// absent.
double metrics_sample(const std::string& metrics, const std::string& series);

} // namespace mg::test
