#pragma once
// One thing exchanged with a controller, as the session layer reports it to whoever records
// the traffic (`--capture`, docs/capture-format.md). The views are valid during the call only.

#include <functional>
#include <string_view>

namespace mg::protocol {

struct traffic {
    enum class kind { ws_open, ws_close, ws_send, ws_recv, http_request, http_response };
    kind what = kind::ws_send;
    std::string_view controller;
    // ws_open: the URL; ws_close: the reason; ws_send/ws_recv: the frame's payload;
    // http_request/http_response: the body.
    std::string_view text;
    bool binary = false;     // ws_recv: a binary frame
    std::string_view method; // http_*
    std::string_view path;   // http_*: the request's path with its query
    unsigned status = 0;     // http_response: 0 when no answer came
    std::string_view error;  // http_response without an answer: why
};

// Called once per frame, WebSocket open or close, and HTTP request or answer. Empty: nothing
// is recorded.
using traffic_observer = std::function<void(const traffic&)>;

} // namespace mg::protocol
