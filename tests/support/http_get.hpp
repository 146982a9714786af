#pragma once
// A plain HTTP GET to 127.0.0.1, for tests of the gateway's /metrics and /healthz.

#include <chrono>
#include <cstdint>
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

} // namespace mg::test
