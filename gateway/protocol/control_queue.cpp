#include "gateway/protocol/control_queue.hpp"

#include "gateway/protocol/json_access.hpp"
#include "gateway/protocol/json_limits.hpp"

#include <algorithm>
#include <rapidjson/document.h>

namespace mg::protocol {

std::optional<std::string> answer_token(std::string_view body) {
    rapidjson::Document doc;
    if (body.empty() || !parse_bounded(doc, body, max_frame_depth))
        return std::nullopt;
    if (const auto token = token_of(doc); !token.empty())
        return std::string(token);
    return std::nullopt;
}

bool needs_authentication(unsigned status, std::string_view body) {
    if (status == 401 || status == 403 || (status >= 300 && status < 400))
        return true;
    if (status < 200 || status >= 300 || body.empty())
        return false;
    rapidjson::Document doc;
    return parse_bounded(doc, body, max_frame_depth) && doc.IsObject() && doc.HasMember("redirect");
}

control_queue::control_queue(control_settings settings, const clock& clock)
    : settings_(settings), clock_(clock) {}

control_actions control_queue::take() {
    return std::exchange(actions_, {});
}

control_actions control_queue::add(http_call call, std::uint64_t tag) {
    details_.clear();
    command c{std::move(call), tag, clock_.now(), false};
    if (!settings_.budget) {
        finish(c, command_outcome::no_budget, 0,
               "max_connections leaves no connection for control beside the WebSocket");
        return take();
    }
    waiting_.push_back(std::move(c));
    pump();
    return take();
}

control_actions control_queue::set_ready(bool ready) {
    details_.clear();
    ready_ = ready;
    pump();
    return take();
}

control_actions control_queue::on_connected() {
    details_.clear();
    if (connection_ == connection::connecting)
        connection_ = connection::open;
    idle_since_ = clock_.now();
    pump();
    return take();
}

control_actions control_queue::on_no_slot() {
    details_.clear();
    connection_ = connection::closed;
    slot_retry_at_ = clock_.now() + settings_.slot_retry;
    return take();
}

control_actions control_queue::on_connect_failed(std::string_view why) {
    details_.clear();
    connection_ = connection::closed;
    // The command that asked for the connection fails; the next one tries again.
    if (!waiting_.empty()) {
        finish(waiting_.front(), command_outcome::failed, 0, std::string(why));
        waiting_.pop_front();
    }
    pump();
    return take();
}

control_actions control_queue::on_response(unsigned status, std::string_view body,
                                           bool connection_kept) {
    details_.clear();
    if (!connection_kept)
        connection_ = connection::closed;
    idle_since_ = clock_.now();
    if (!in_flight_)
        return take();
    auto c = std::move(*in_flight_);
    in_flight_.reset();
    const bool refused_token = needs_authentication(status, body);
    if (refused_token && settings_.credentials && !c.retried) {
        c.retried = true;
        waiting_.push_front(std::move(c));
        // The control connection's slot is what authentication uses: the WebSocket keeps its.
        disconnect();
        connection_ = connection::authenticating;
        actions_.emplace_back(std::in_place_type<control_authenticate>);
        return take();
    }
    if (refused_token || (status >= 400 && status < 500))
        finish(c, command_outcome::rejected, status, std::string(body));
    else if (status >= 200 && status < 300)
        finish(c, command_outcome::ok, status, {});
    else
        finish(c, command_outcome::failed, status,
               "controller answered HTTP " + std::to_string(status) + ": " + std::string(body));
    pump();
    return take();
}

control_actions control_queue::on_send_failed(std::string_view why) {
    details_.clear();
    connection_ = connection::closed;
    if (in_flight_) {
        finish(*in_flight_, command_outcome::failed, 0, std::string(why));
        in_flight_.reset();
    }
    pump();
    return take();
}

control_actions control_queue::on_authenticated() {
    details_.clear();
    if (connection_ == connection::authenticating)
        connection_ = connection::closed;
    pump();
    return take();
}

control_actions control_queue::on_auth_failed(std::string_view why) {
    details_.clear();
    if (connection_ == connection::authenticating)
        connection_ = connection::closed;
    if (!waiting_.empty() && waiting_.front().retried) {
        finish(waiting_.front(), command_outcome::failed, 0,
               "authentication failed: " + std::string(why));
        waiting_.pop_front();
    }
    pump();
    return take();
}

control_actions control_queue::on_timeout() {
    details_.clear();
    const auto now = clock_.now();
    if (slot_retry_at_ && now >= *slot_retry_at_)
        slot_retry_at_.reset();
    // Arrival order means the oldest wait at the front, retried calls included.
    while (expire_head(now)) {
    }
    if (connection_ == connection::open && !in_flight_ && waiting_.empty() &&
        now - idle_since_ >= settings_.idle_close)
        disconnect();
    pump();
    return take();
}

bool control_queue::expire_head(time_point now) {
    if (waiting_.empty() || now - waiting_.front().arrived < settings_.ttl)
        return false;
    const auto ms = settings_.ttl.count();
    const auto ttl = ms % 1000 ? std::to_string(ms) + "ms" : std::to_string(ms / 1000) + "s";
    finish(waiting_.front(), command_outcome::expired, 0,
           "not sent within " + ttl + " (command_ttl)");
    waiting_.pop_front();
    return true;
}

void control_queue::pump() {
    if (!ready_ && connection_ == connection::open && !in_flight_)
        disconnect();
    while (ready_ && !in_flight_ && !waiting_.empty()) {
        if (expire_head(clock_.now()))
            continue;
        switch (connection_) {
        case connection::closed:
            if (!slot_retry_at_) {
                connection_ = connection::connecting;
                actions_.emplace_back(std::in_place_type<control_connect>);
            }
            return;
        case connection::connecting:
        case connection::authenticating:
            return;
        case connection::open:
            in_flight_ = std::move(waiting_.front());
            waiting_.pop_front();
            actions_.emplace_back(control_send{in_flight_->call});
            return;
        }
    }
}

void control_queue::disconnect() {
    if (connection_ == connection::open || connection_ == connection::connecting)
        actions_.emplace_back(std::in_place_type<control_disconnect>);
    connection_ = connection::closed;
}

void control_queue::finish(const command& c, command_outcome outcome, unsigned status,
                           std::string detail) {
    details_.push_back(std::move(detail));
    actions_.push_back(command_result{
        c.tag, outcome, status, details_.back(),
        std::chrono::duration_cast<duration>(clock_.now() - c.arrived)});
}

std::optional<time_point> control_queue::next_deadline() const {
    std::optional<time_point> next;
    const auto consider = [&](time_point t) { next = next ? std::min(*next, t) : t; };
    for (const auto& c : waiting_)
        consider(c.arrived + settings_.ttl);
    if (slot_retry_at_)
        consider(*slot_retry_at_);
    if (connection_ == connection::open && !in_flight_ && waiting_.empty())
        consider(idle_since_ + settings_.idle_close);
    return next;
}

} // namespace mg::protocol
