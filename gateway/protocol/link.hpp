#pragma once
// The per-controller protocol state machine, free of I/O (docs/protocol.md §1-§3 and §6).
//
// The session feeds it what happened (socket opened, frame received, time passed, socket
// closed, authentication result) and carries out the actions it returns, in order. Actions
// are returned by value, so carrying them out may call the link again; data events point
// into the frame just parsed and are valid until the next call.

#include "gateway/protocol/backoff.hpp"
#include "gateway/protocol/clock.hpp"
#include "gateway/protocol/control.hpp"
#include "gateway/protocol/frame.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mg::protocol {

enum class link_state { idle, authenticating, connecting, live, backoff, auth_failed, stopped };
std::string_view to_string(link_state state);

struct poll_settings {
    std::string request;
    std::optional<duration> every; // empty: once each time the WebSocket comes up
    std::string params_json;
    std::string topic; // where the reply goes; the request name when empty
};

struct link_settings {
    bool credentials = false;
    duration keepalive = std::chrono::seconds(10);
    duration request_timeout = std::chrono::seconds(10);
    duration reconnect_min = std::chrono::milliseconds(500);
    duration reconnect_max = std::chrono::seconds(30);
    std::vector<std::string> channels;
    std::vector<poll_settings> polls;
    std::uint32_t seed = 1;
};

// Actions for the session.
struct send_frame {
    std::string text;
};
struct open_socket {};
struct close_socket {
    std::string reason;
    // With a close handshake (bounded by a short time-out), or torn down at once: a peer
    // declared dead would never answer the handshake. After an abort the link already counts
    // the socket as closed and expects no on_closed().
    bool graceful = true;
};
struct authenticate {};

// Events for the bridge.
struct state_changed {
    link_state state;
    std::string_view error;
    std::uint64_t reconnects;
};
struct channel_message {
    std::string_view channel;
    const rapidjson::Value& data;
};
struct request_reply {
    std::string_view request;
    std::string_view topic;
    const rapidjson::Value& data;
    std::uint64_t tag; // 0 for polls and unsolicited replies
    // The request carried no parameters, so a list in the reply is the controller's whole
    // list; false after a `num` filter, and for replies the link cannot match to a request.
    bool unfiltered = false;
};
enum class failure { offline, timeout, invalid };
std::string_view to_string(failure reason);

struct request_failed {
    std::string_view request;
    std::uint64_t tag;
    failure reason;
    std::string_view error;
};
struct frame_rejected {
    std::string_view error;
};

// What the link returns, in order: commands for the session and events for the bridge.
using link_action = std::variant<send_frame, open_socket, close_socket, authenticate, state_changed,
                                 channel_message, request_reply, request_failed, frame_rejected>;
using link_actions = std::vector<link_action>;

// What features receive: the link's events, and the outcome of control commands, which the
// session reports itself.
using link_event = std::variant<state_changed, channel_message, request_reply, request_failed,
                                frame_rejected, command_result>;
// The event alternative of an action; empty for a command.
std::optional<link_event> to_event(const link_action& action);

class link {
public:
    link(link_settings settings, const clock& clock);

    link_actions start();
    link_actions stop();

    link_actions on_authenticated(std::string token);
    link_actions on_auth_rejected(std::string_view why);
    link_actions on_auth_error(std::string_view why);
    link_actions on_opened();
    link_actions on_text(std::string_view text);
    link_actions on_binary(std::span<const std::uint8_t> bytes);
    link_actions on_closed(std::string_view why);
    link_actions on_timeout();

    // An on-demand request. `tag` comes back with the reply or the failure.
    link_actions request(std::string_view name, std::string_view params_json,
                                std::uint64_t tag);

    // When on_timeout() wants to be called next; empty when nothing is scheduled.
    std::optional<time_point> next_deadline() const;

    // A token renewed outside the WebSocket (by HTTP control): one session, one token.
    void adopt_token(std::string token) {
        if (!token.empty())
            token_ = std::move(token);
    }

    link_state state() const { return state_; }
    const std::string& token() const { return token_; }
    std::uint64_t reconnects() const { return reconnects_; }
    // When the last frame arrived, or the WebSocket opened; zero before it ever did.
    time_point last_received() const { return last_received_; }

private:
    struct pending_request {
        std::string name;
        std::string topic;
        std::uint64_t tag = 0;
        time_point deadline{};
        std::optional<std::size_t> poll; // index of the poll that sent it
        failure reason = failure::offline;
        std::string error;
        bool unfiltered = false; // sent without parameters
    };
    using pending_map = std::map<std::uint64_t, pending_request>;

    // Where the WebSocket is, as far as the link knows.
    enum class socket_phase { none, opening, open, closing };
    // What to do once the socket the link asked to close has closed.
    enum class after_close { retry, reauthenticate, credentials_needed };

    void begin();
    link_actions take() { return std::exchange(actions_, {}); }
    void set_state(link_state state, std::string_view error = {});
    void connect();
    void retry_after(duration delay, link_state state, std::string_view error);
    void close(std::string reason, after_close then);
    void socket_closed(std::string_view why);
    void add_state_requests();
    void went_live();
    void start_session();
    void send_request(std::string_view name, std::string_view params_json, std::string_view topic,
                      std::uint64_t tag, std::optional<std::size_t> poll);
    void send_due_polls(time_point now);
    void fail(pending_request request, failure reason, std::string why);
    void fail_pending(std::string_view why);
    void expire_requests(time_point now);
    void handle_message(const frame& f);
    void deliver(pending_map::iterator it, const rapidjson::Value& data);
    pending_map::iterator oldest_pending(std::string_view name);
    bool poll_pending(std::size_t poll) const;
    bool subscribed(std::string_view channel) const;

    link_settings settings_;
    const clock& clock_;
    backoff backoff_;
    frame_parser parser_;
    link_actions actions_;

    link_state state_ = link_state::idle;
    std::string last_error_;
    std::string token_;
    std::vector<std::uint8_t> session_key_;
    socket_phase socket_ = socket_phase::none;
    after_close after_close_ = after_close::retry;
    std::uint64_t live_count_ = 0;
    std::uint64_t reconnects_ = 0;

    std::uint64_t next_id_ = 1;
    pending_map pending_;
    std::deque<pending_request> finished_; // keeps event views valid until the next call
    std::vector<std::optional<time_point>> poll_due_;

    time_point live_since_{};
    time_point last_received_{};
    time_point next_keepalive_{};
    std::optional<time_point> retry_at_;
};

} // namespace mg::protocol
