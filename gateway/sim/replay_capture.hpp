#pragma once
// Reading a capture file (docs/capture-format.md): JSON Lines written by the gateway's
// `--capture`, one exchange with a controller a line. Pure: text in, events and problems out.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mg::sim::replay {

enum class event_kind {
    ws_open,
    ws_close,
    ws_send,       // gateway -> controller frame
    ws_recv,       // controller -> gateway frame
    http_request,  // gateway -> controller
    http_response, // its answer
    capture_stopped,
};

struct capture_event {
    std::size_t line = 0; // 1-based line in the file
    double t = 0;         // seconds since the capture began
    std::string controller;
    event_kind kind = event_kind::ws_open;
    // ws_send / ws_recv: the frame. A binary frame holds its bytes; a redacted session key
    // holds `length` bytes made up for its placeholder (the same placeholder, the same bytes).
    bool binary = false;
    std::string data;
    std::string url;    // ws_open
    std::string reason; // ws_close, capture_stopped
    // http_request / http_response
    std::string method;
    std::string path;
    std::string body;
    unsigned status = 0; // 0: the request got no answer
    std::string error;
};

// Something in the file the replay cannot play; the line is skipped.
struct capture_problem {
    std::size_t line = 0;
    std::string message;
};

struct capture {
    std::vector<capture_event> events;
    std::vector<capture_problem> problems;
};

capture parse_capture(std::string_view text);

// The controllers named in the capture, in order of first appearance.
std::vector<std::string> controller_names(const capture& c);

// The bytes that stand for session key placeholder `placeholder` ("<session-key-3>"): non-zero,
// `length` long, different for different placeholders.
std::string session_key_bytes(std::string_view placeholder, std::size_t length);

} // namespace mg::sim::replay
