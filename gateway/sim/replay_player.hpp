#pragma once
// The controller side of a replay, without sockets or clocks: given what a client sends, what
// the recorded controller answered. The I/O (replay_server) performs what it returns.

#include "gateway/sim/replay_script.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <rapidjson/document.h>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mg::sim::replay {

struct http_reply {
    unsigned status = 0; // 0: close the connection without an answer, as recorded
    std::string body;
};

struct ws_reaction {
    std::optional<frame> reply;         // send at once
    std::vector<timed_frame> scheduled; // send after their delay (seconds at speed 1)
};

class player {
public:
    explicit player(script s);

    const script& recorded() const { return script_; }

    // Any credentials: /authenticate gets the recorded answers to logins of its shape (the same
    // member names) in order, else all recorded answers in order; the last repeated.
    http_reply answer_http(std::string_view method, std::string_view path, std::string_view body);

    // A new WebSocket connection: its number and the frames timed from its open.
    std::size_t open_connection();
    const std::vector<timed_frame>& after_open(std::size_t connection) const;

    ws_reaction on_text(std::size_t connection, std::string_view text);
    // Binary frames from a client carry nothing a controller answers.

    // What the replay could not play since the last call (each said once), for stderr.
    std::vector<std::string> take_notes();

private:
    template <class T> const T* next(const std::vector<T>& answers, std::size_t& cursor);
    frame keepalive_answer();
    std::optional<frame> reply_to(const std::string& key, const rapidjson::Value& request);
    void note(std::string text);

    script script_;
    std::size_t auth_cursor_ = 0;
    std::map<std::string, std::size_t, std::less<>> auth_shape_cursors_;
    std::map<std::string, std::size_t, std::less<>> http_cursors_;
    std::map<std::string, std::size_t, std::less<>> reply_cursors_;
    std::size_t keepalive_cursor_ = 0;
    std::size_t connections_ = 0;
    // per connection: subscriptions seen so far per channel
    std::vector<std::map<std::string, std::size_t, std::less<>>> subscriptions_;
    std::set<std::string, std::less<>> noted_;
    std::vector<std::string> notes_;
};

// Replaces the token placeholders of a capture ("<token-3>") with tokens of the replay's own
// ("replay-token-3"), so a client that checks for a token finds one.
std::string with_own_tokens(std::string_view text);

} // namespace mg::sim::replay
