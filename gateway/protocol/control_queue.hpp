#pragma once
// The control commands of one controller, free of I/O (docs/protocol.md §8).
//
// Commands travel over the controller's HTTP API on at most one connection beside the
// WebSocket: opened on the first command, reused while commands flow, closed after a few idle
// seconds, so the controller's own web interface keeps its room. Calls go one at a time in
// arrival order. A command not sent within its time to live is dropped, never sent late. A
// refused token is renewed once and the call retried once. Like the link, the queue is fed
// what happened and returns what to do; the session carries it out.

#include "gateway/protocol/clock.hpp"
#include "gateway/protocol/control.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mg::protocol {

struct control_settings {
    bool budget = true;      // false: max_connections leaves no room for a control connection
    bool credentials = false; // whether a refused token can be renewed
    duration ttl = std::chrono::seconds(5);
    duration idle_close = std::chrono::seconds(5);
    // How soon to ask for a connection again when none may be opened right now.
    duration slot_retry = std::chrono::milliseconds(200);
};

// Actions for the session.
struct control_connect {};     // open the control connection
struct control_send {          // send this call on it, with the session's current token
    http_call call;
};
struct control_disconnect {};  // close the control connection
struct control_authenticate {}; // renew the token, then call on_authenticated()

// command_result views are valid until the next call.
using control_action = std::variant<control_connect, control_send, control_disconnect,
                                    control_authenticate, command_result>;
using control_actions = std::vector<control_action>;

class control_queue {
public:
    control_queue(control_settings settings, const clock& clock);

    // A command arrived.
    control_actions add(http_call call, std::uint64_t tag);
    // Whether commands may go: the controller's session is live, so its token is current.
    control_actions set_ready(bool ready);

    control_actions on_connected();
    // No connection may be opened now (the budget is in use); asks again a little later.
    control_actions on_no_slot();
    control_actions on_connect_failed(std::string_view why);
    // The answer to the call in flight; `connection_kept` is false when the connection closed
    // with it (the controller said Connection: close).
    control_actions on_response(unsigned status, std::string_view body, bool connection_kept);
    // The call in flight got no answer: time-out or lost connection. The connection is gone.
    control_actions on_send_failed(std::string_view why);
    control_actions on_authenticated();
    control_actions on_auth_failed(std::string_view why);
    control_actions on_timeout();

    // When on_timeout() wants to be called next; empty when nothing is scheduled.
    std::optional<time_point> next_deadline() const;

private:
    struct command {
        http_call call;
        std::uint64_t tag = 0;
        time_point arrived{};
        bool retried = false;
    };
    enum class connection { closed, connecting, open, authenticating };

    void pump();
    bool expire_head(time_point now);
    void finish(const command& c, command_outcome outcome, unsigned status, std::string detail);
    void disconnect();
    control_actions take();

    control_settings settings_;
    const clock& clock_;
    control_actions actions_;
    std::deque<std::string> details_; // keeps result views valid until the next call

    bool ready_ = false;
    connection connection_ = connection::closed;
    std::deque<command> waiting_;
    std::optional<command> in_flight_;
    time_point idle_since_{};
    std::optional<time_point> slot_retry_at_;
};

// The token a control answer's JSON body carries (one session, one token), or nothing; an
// empty token is none.
std::optional<std::string> answer_token(std::string_view body);

// Whether an answer says the token is no longer valid: 401, 403, a redirect, or a JSON body
// carrying `redirect` (what the controller's own web pages act on).
bool needs_authentication(unsigned status, std::string_view body);

} // namespace mg::protocol
