#include "gateway/protocol/link.hpp"

#include "gateway/protocol/catalogue.hpp"
#include "gateway/protocol/messages.hpp"

#include <algorithm>

namespace mg::protocol {
namespace {

// docs/protocol.md §2.3: wrong credentials are retried no sooner than a minute later.
constexpr duration auth_retry_floor = std::chrono::seconds(60);
// A session that stayed up this long resets the backoff.
constexpr duration healthy_session = std::chrono::seconds(60);
// docs/protocol.md §3.5: this many silent keep-alive periods mean the peer is gone.
constexpr int silent_periods = 3;

} // namespace

std::string_view to_string(failure reason) {
    switch (reason) {
    case failure::offline:
        return "offline";
    case failure::timeout:
        return "timeout";
    case failure::invalid:
        return "invalid_request";
    }
    return "unknown";
}

std::optional<link_event> to_event(const link_action& action) {
    return std::visit(
        [](const auto& a) -> std::optional<link_event> {
            if constexpr (std::is_constructible_v<link_event, decltype(a)>)
                return link_event{a};
            else
                return std::nullopt;
        },
        action);
}

std::string_view to_string(link_state state) {
    switch (state) {
    case link_state::idle:
        return "idle";
    case link_state::authenticating:
        return "authenticating";
    case link_state::connecting:
        return "connecting";
    case link_state::live:
        return "live";
    case link_state::backoff:
        return "backoff";
    case link_state::auth_failed:
        return "auth_failed";
    case link_state::stopped:
        return "stopped";
    }
    return "unknown";
}

link::link(link_settings settings, const clock& clock)
    : settings_(std::move(settings)), clock_(clock),
      backoff_(settings_.reconnect_min, settings_.reconnect_max, settings_.seed) {
    add_state_requests();
    poll_due_.resize(settings_.polls.size());
}

// Whatever changed while the WebSocket was down must not stay stale (docs/protocol.md §6), so every
// subscribed channel that can also be requested is read again on each connect, unless a poll
// already reads all of it. Beacon, Lua values and the log cannot be read back this way.
void link::add_state_requests() {
    for (const auto& channel : settings_.channels) {
        if (!is_request(channel) || channel == "log" || channel == "lua")
            continue;
        const bool polled =
            std::any_of(settings_.polls.begin(), settings_.polls.end(), [&](const auto& poll) {
                return poll.request == channel && poll.params_json.empty();
            });
        if (!polled)
            settings_.polls.push_back({channel, std::nullopt, "", ""});
    }
}

void link::begin() {
    actions_.clear();
    finished_.clear();
}

link_actions link::start() {
    begin();
    if (state_ == link_state::idle)
        connect();
    return take();
}

link_actions link::stop() {
    begin();
    if (socket_ == socket_phase::open || socket_ == socket_phase::opening)
        actions_.push_back(close_socket{"gateway stopping"});
    socket_ = socket_phase::none;
    retry_at_.reset();
    fail_pending("gateway stopping");
    set_state(link_state::stopped);
    return take();
}

void link::connect() {
    retry_at_.reset();
    token_.clear();
    if (settings_.credentials) {
        set_state(link_state::authenticating);
        actions_.push_back(authenticate{});
        return;
    }
    set_state(link_state::connecting);
    socket_ = socket_phase::opening;
    actions_.push_back(open_socket{});
}

link_actions link::on_authenticated(std::string token) {
    begin();
    if (state_ != link_state::authenticating)
        return take();
    token_ = std::move(token);
    set_state(link_state::connecting);
    socket_ = socket_phase::opening;
    actions_.push_back(open_socket{});
    return take();
}

link_actions link::on_auth_rejected(std::string_view why) {
    begin();
    if (state_ == link_state::authenticating)
        retry_after(std::max(auth_retry_floor, backoff_.next()), link_state::auth_failed, why);
    return take();
}

link_actions link::on_auth_error(std::string_view why) {
    begin();
    if (state_ == link_state::authenticating)
        retry_after(backoff_.next(), link_state::backoff, why);
    return take();
}

link_actions link::on_opened() {
    begin();
    if (socket_ == socket_phase::opening) {
        socket_ = socket_phase::open;
        went_live();
    }
    return take();
}

void link::went_live() {
    const auto now = clock_.now();
    live_since_ = now;
    last_received_ = now;
    next_keepalive_ = now + settings_.keepalive;
    session_key_.clear();
    if (live_count_++ > 0)
        ++reconnects_;
    start_session();
    set_state(link_state::live);
}

// Subscriptions are per connection (docs/protocol.md §3.6), so every new socket, and every
// controller restart seen through a new session key, starts the session again.
void link::start_session() {
    for (const auto& channel : settings_.channels)
        actions_.push_back(send_frame{subscribe_message(channel, token_)});
    const auto now = clock_.now();
    for (std::size_t i = 0; i < settings_.polls.size(); ++i) {
        const auto& poll = settings_.polls[i];
        if (!poll_pending(i))
            send_request(poll.request, poll.params_json, poll.topic, 0, i);
        if (poll.every)
            poll_due_[i] = now + *poll.every;
    }
}

link_actions link::on_text(std::string_view text) {
    begin();
    if (socket_ != socket_phase::open)
        return take();
    last_received_ = clock_.now();
    const frame f = parser_.parse_text(text);
    if (!f.token.empty())
        token_.assign(f.token);
    switch (f.kind) {
    case frame_kind::message:
        handle_message(f);
        break;
    case frame_kind::redirect:
        if (settings_.credentials)
            close("controller asked to authenticate again", after_close::reauthenticate);
        else
            close("controller requires authentication; configure username and password",
                  after_close::credentials_needed);
        break;
    case frame_kind::invalid:
        actions_.push_back(frame_rejected{f.error});
        break;
    default:
        break;
    }
    return take();
}

link_actions link::on_binary(std::span<const std::uint8_t> bytes) {
    begin();
    if (socket_ != socket_phase::open)
        return take();
    last_received_ = clock_.now();
    const frame f = frame_parser::parse_binary(bytes);
    if (!settings_.credentials || f.kind == frame_kind::invalid) {
        // Without security the controller answers keep-alives with {}, never with a key.
        actions_.push_back(frame_rejected{"unexpected binary frame"});
        return take();
    }
    if (f.kind == frame_kind::session_expired) {
        close("session expired", after_close::reauthenticate);
        return take();
    }
    const bool restarted =
        !session_key_.empty() &&
        !std::equal(bytes.begin(), bytes.end(), session_key_.begin(), session_key_.end());
    session_key_.assign(bytes.begin(), bytes.end());
    if (restarted)
        start_session();
    return take();
}

void link::handle_message(const frame& f) {
    const rapidjson::Value& data = *f.data;
    if (!f.broadcast.empty()) {
        actions_.push_back(channel_message{canonical_name(f.broadcast), data});
        return;
    }
    if (!f.request.empty()) {
        const auto name = canonical_name(f.request);
        if (f.id) {
            if (auto it = pending_.find(*f.id); it != pending_.end() && it->second.name == name)
                return deliver(it, data);
        }
        // Change messages of some channels arrive dressed as replies (docs/protocol.md §4.5).
        if (subscribed(name)) {
            actions_.push_back(channel_message{name, data});
            return;
        }
        // Replies without a usable id are matched by name, oldest first.
        if (auto it = oldest_pending(name); it != pending_.end())
            return deliver(it, data);
        actions_.push_back(request_reply{name, name, data, 0});
        return;
    }
    if (const auto channel = channel_from_data(data); !channel.empty()) {
        actions_.push_back(channel_message{channel, data});
        return;
    }
    actions_.push_back(frame_rejected{"message of unknown shape"});
}

void link::deliver(pending_map::iterator it, const rapidjson::Value& data) {
    finished_.push_back(std::move(it->second));
    pending_.erase(it);
    const auto& done = finished_.back();
    actions_.push_back(request_reply{done.name, done.topic, data, done.tag, done.unfiltered});
}

link::pending_map::iterator link::oldest_pending(std::string_view name) {
    return std::find_if(pending_.begin(), pending_.end(),
                        [&](const auto& entry) { return entry.second.name == name; });
}

bool link::poll_pending(std::size_t poll) const {
    return std::any_of(pending_.begin(), pending_.end(),
                       [&](const auto& entry) { return entry.second.poll == poll; });
}

bool link::subscribed(std::string_view channel) const {
    return std::find(settings_.channels.begin(), settings_.channels.end(), channel) !=
           settings_.channels.end();
}

link_actions link::on_closed(std::string_view why) {
    begin();
    if (socket_ != socket_phase::none)
        socket_closed(why);
    return take();
}

void link::socket_closed(std::string_view why) {
    const bool was_live = state_ == link_state::live;
    socket_ = socket_phase::none;
    session_key_.clear();
    fail_pending("controller went offline");
    const auto then = std::exchange(after_close_, after_close::retry);
    switch (then) {
    case after_close::reauthenticate:
        connect();
        break;
    case after_close::credentials_needed:
        retry_after(std::max(auth_retry_floor, backoff_.next()), link_state::auth_failed,
                    last_error_);
        break;
    case after_close::retry:
        if (was_live && clock_.now() - live_since_ >= healthy_session)
            backoff_.reset();
        retry_after(backoff_.next(), link_state::backoff, why);
        break;
    }
}

void link::close(std::string reason, after_close then) {
    socket_ = socket_phase::closing;
    after_close_ = then;
    last_error_ = reason;
    actions_.push_back(close_socket{std::move(reason)});
}

void link::retry_after(duration delay, link_state state, std::string_view error) {
    retry_at_ = clock_.now() + delay;
    set_state(state, error);
}

link_actions link::on_timeout() {
    begin();
    const auto now = clock_.now();
    if (retry_at_ && now >= *retry_at_) {
        connect();
        return take();
    }
    if (socket_ != socket_phase::open)
        return take();
    const auto silence_limit = settings_.keepalive * silent_periods;
    if (now - last_received_ >= silence_limit) {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(silence_limit);
        // Dead means gone (docs/protocol.md §3.5): torn down now, replaced after the usual backoff.
        auto reason = "no frame from controller for " + std::to_string(seconds.count()) + "s";
        actions_.push_back(close_socket{reason, false});
        socket_closed(reason);
        return take();
    }
    if (now >= next_keepalive_) {
        actions_.push_back(send_frame{keepalive_message(token_)});
        next_keepalive_ = now + settings_.keepalive;
    }
    expire_requests(now);
    send_due_polls(now);
    return take();
}

link_actions link::request(std::string_view name, std::string_view params_json,
                                  std::uint64_t tag) {
    begin();
    if (socket_ != socket_phase::open)
        fail({std::string(name), std::string(name), tag, {}, std::nullopt, failure::offline, {}},
             failure::offline, "controller is offline");
    else
        send_request(name, params_json, name, tag, std::nullopt);
    return take();
}

void link::send_request(std::string_view name, std::string_view params_json, std::string_view topic,
                        std::uint64_t tag, std::optional<std::size_t> poll) {
    pending_request request{std::string(name),
                            std::string(topic.empty() ? name : topic),
                            tag,
                            clock_.now() + settings_.request_timeout,
                            poll,
                            failure::offline,
                            {}};
    // "" or "{}"; anything else is a member (request_message checks it is a JSON object).
    request.unfiltered = params_json.find_first_not_of(" \t\r\n{}") == std::string_view::npos;
    const auto id = next_id_++;
    auto text = request_message(name, id, params_json, token_);
    if (text.empty())
        return fail(std::move(request), failure::invalid, "parameters must be a JSON object");
    pending_.emplace(id, std::move(request));
    actions_.push_back(send_frame{std::move(text)});
}

void link::send_due_polls(time_point now) {
    for (std::size_t i = 0; i < settings_.polls.size(); ++i) {
        auto& due = poll_due_[i];
        if (!due || now < *due)
            continue;
        const auto& poll = settings_.polls[i];
        // A poll still waiting for its answer is not sent again; late polls are not caught up.
        if (!poll_pending(i))
            send_request(poll.request, poll.params_json, poll.topic, 0, i);
        due = now + *poll.every;
    }
}

void link::expire_requests(time_point now) {
    for (auto it = pending_.begin(); it != pending_.end();) {
        if (now < it->second.deadline) {
            ++it;
            continue;
        }
        auto request = std::move(it->second);
        it = pending_.erase(it);
        const auto seconds =
            std::chrono::duration_cast<std::chrono::seconds>(settings_.request_timeout);
        fail(std::move(request), failure::timeout,
             "no reply within " + std::to_string(seconds.count()) + "s");
    }
}

void link::fail(pending_request request, failure reason, std::string why) {
    request.reason = reason;
    request.error = std::move(why);
    finished_.push_back(std::move(request));
    const auto& done = finished_.back();
    actions_.push_back(request_failed{done.name, done.tag, done.reason, done.error});
}

void link::fail_pending(std::string_view why) {
    for (auto& [id, request] : pending_)
        fail(std::move(request), failure::offline, std::string(why));
    pending_.clear();
}

std::optional<time_point> link::next_deadline() const {
    if (retry_at_)
        return retry_at_;
    if (socket_ != socket_phase::open)
        return std::nullopt;
    auto next = std::min(next_keepalive_, last_received_ + settings_.keepalive * silent_periods);
    for (const auto& [id, request] : pending_)
        next = std::min(next, request.deadline);
    for (const auto& due : poll_due_) {
        if (due)
            next = std::min(next, *due);
    }
    return next;
}

void link::set_state(link_state state, std::string_view error) {
    const bool new_error = !error.empty() && error != last_error_;
    if (state == state_ && !new_error)
        return;
    state_ = state;
    if (new_error)
        last_error_.assign(error);
    actions_.push_back(state_changed{state_, last_error_, reconnects_});
}

} // namespace mg::protocol
