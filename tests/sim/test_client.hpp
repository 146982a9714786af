#pragma once
// Minimal clients for talking to mosaic-sim in tests. Every call is bounded by a timeout.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mg::sim::test {

using namespace std::chrono_literals;

struct http_result {
    unsigned status = 0; // 0: no response (connection refused, closed or timed out)
    std::string body;
    std::string location;
};

using header_list = std::vector<std::pair<std::string, std::string>>;

// One request on a fresh connection.
http_result http_call(std::uint16_t port, std::string_view method, std::string_view target,
                      std::string_view body = {}, const header_list& headers = {}, bool tls = false,
                      std::chrono::milliseconds timeout = 2s);

// One HTTP/1.1 connection kept open for several requests (keep-alive), as a client that reuses
// its control connection uses it.
class keep_alive_client {
public:
    keep_alive_client();
    ~keep_alive_client();
    keep_alive_client(const keep_alive_client&) = delete;
    keep_alive_client& operator=(const keep_alive_client&) = delete;

    bool connect(std::uint16_t port, std::chrono::milliseconds timeout = 2s);
    // `close`: send `Connection: close` with this request.
    http_result call(std::string_view method, std::string_view target, std::string_view body = {},
                     const header_list& headers = {}, bool close = false,
                     std::chrono::milliseconds timeout = 2s);
    // Whether the server closes the connection within `timeout`.
    bool closed_by_server(std::chrono::milliseconds timeout = 2s);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

struct ws_message {
    std::string data;
    bool binary = false;
};

class ws_test_client {
public:
    ws_test_client();
    ~ws_test_client();
    ws_test_client(const ws_test_client&) = delete;
    ws_test_client& operator=(const ws_test_client&) = delete;

    // TCP connect, TLS handshake when asked, WebSocket upgrade; false if any step fails.
    bool connect(std::uint16_t port, std::string_view path = "/query", bool tls = false,
                 std::chrono::milliseconds timeout = 2s);
    // SHA-256 of the server certificate, "AB:CD:…" (TLS only).
    std::string peer_fingerprint() const;

    bool send_text(std::string_view text, std::chrono::milliseconds timeout = 2s);

    // The next message, or nullopt when none arrives in time or the connection is gone.
    std::optional<ws_message> read(std::chrono::milliseconds timeout = 2s);
    // Skips messages until one satisfies `wanted`.
    template <class Pred>
    std::optional<ws_message> read_until(Pred wanted, std::chrono::milliseconds timeout = 2s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            auto message = read(std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now()));
            if (!message)
                return std::nullopt;
            if (wanted(*message))
                return message;
        }
        return std::nullopt;
    }

    // Whether the server closed the connection (seen by a read).
    bool closed() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// A bare TCP connection that sends nothing: it holds one slot of the controller's budget.
class tcp_holder {
public:
    tcp_holder();
    ~tcp_holder();
    bool connect(std::uint16_t port, std::chrono::milliseconds timeout = 2s);
    // Whether the server closes the connection within `timeout`.
    bool closed_by_server(std::chrono::milliseconds timeout = 2s);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace mg::sim::test
