#pragma once
// What `mosaic-sim --replay` plays for one controller of a capture, worked out from the
// capture's events: the recorded answers keyed by the request they answer, the keep-alive
// answers in order, and each WebSocket connection's broadcasts timed from the subscription
// they followed. Pure: no I/O, no clock.

#include "gateway/sim/replay_capture.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mg::sim::replay {

struct frame {
    std::string data;
    bool binary = false;
    std::size_t line = 0; // where the capture recorded it
};

struct http_answer {
    unsigned status = 0; // 0: the recorded request got no answer
    std::string body;
    std::size_t line = 0;
};

// A frame sent `delay` seconds (at speed 1) after what it is anchored to.
struct timed_frame {
    double delay = 0;
    frame f;
};

// One recorded WebSocket connection, from its open to its close.
struct connection_script {
    // after_subscribe[channel][k]: the broadcasts that followed the k-th subscription to
    // `channel` on this connection, each timed from that subscription.
    std::map<std::string, std::vector<std::vector<timed_frame>>, std::less<>> after_subscribe;
    // Frames that followed no subscription (a redirect, a channel never subscribed), timed from
    // the connection's open.
    std::vector<timed_frame> after_open;
};

struct script {
    std::string url; // of the first recorded WebSocket; wss:// means the replay serves TLS
    std::vector<http_answer> authenticate; // POST /authenticate answers, in order
    // The same answers by the shape of the login they answered (login_shape), so firmware that
    // refuses `username` and takes `user` is replayed as such.
    std::map<std::string, std::vector<http_answer>, std::less<>> authenticate_by_shape;
    // Other HTTP calls: request_key(method, path, body) -> its answers in order.
    std::map<std::string, std::vector<http_answer>, std::less<>> http;
    // WebSocket requests: request_key(frame text) -> the recorded replies in order. A request
    // that never got a reply is present with no replies.
    std::map<std::string, std::vector<frame>, std::less<>> replies;
    std::vector<frame> keepalive_answers;
    std::vector<connection_script> connections;
    std::vector<capture_problem> problems;
};

// Throws std::invalid_argument when `controller` is not in the capture.
script build_script(const capture& c, std::string_view controller);

// The identity of a WebSocket request: its JSON with `id` and `token` removed and the members
// sorted; empty when `text` is not a JSON object carrying `request`.
std::string request_key(std::string_view text);
// The identity of an HTTP call: method, path and body (JSON bodies without `token`, sorted).
std::string http_key(std::string_view method, std::string_view path, std::string_view body);

// The names of a JSON login body's members, sorted ("password,user"); empty when the body is not
// a JSON object. Credentials differ between a capture (placeholders) and its replay: the names
// do not.
std::string login_shape(std::string_view body);
// A keep-alive frame from the client: `{}`, `{"token":…}`, or the empty text some clients send.
bool is_keepalive(std::string_view text);
// The channel a subscribe frame names (`remote-device` read as `remote_device`), or empty.
std::string subscribed_channel(std::string_view text);

} // namespace mg::sim::replay
