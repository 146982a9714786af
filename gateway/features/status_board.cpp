#include "gateway/features/status_board.hpp"

#include "gateway/features/json.hpp"

#include <chrono>

namespace mg::features {
namespace {

// For one line of the page: short, and no control characters from outside input.
std::string shown(std::string_view text) {
    constexpr std::size_t limit = 200;
    std::string out(text.substr(0, limit));
    for (auto& c : out) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            c = ' ';
    }
    if (text.size() > limit)
        out += "...";
    return out;
}

std::string text_member(const rapidjson::Value& data, const char* name) {
    if (!data.IsObject())
        return {};
    const auto it = data.FindMember(name);
    return it == data.MemberEnd() ? std::string() : shown(string_view_of(it->value));
}

} // namespace

void status_board::on_controller_added(session::controller& c, const controller_context&) {
    auto& t = controllers_[c.name()];
    t.status.since = utc_now_iso8601();
}

void status_board::on_controller_removed(session::controller& c) {
    if (const auto it = controllers_.find(c.name()); it != controllers_.end())
        controllers_.erase(it);
}

void status_board::note(std::string controller, std::string text) {
    events_.push_back({utc_now_iso8601(), std::move(controller), shown(text)});
    if (events_.size() > max_events)
        events_.pop_front();
}

void status_board::on_event(session::controller& c, const protocol::link_event& event) {
    const auto it = controllers_.find(c.name());
    if (it == controllers_.end())
        return;
    auto& t = it->second;
    if (const auto* change = std::get_if<protocol::state_changed>(&event))
        return state_changed(it->first, t, *change);
    if (const auto* result = std::get_if<protocol::command_result>(&event)) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(result->took);
        auto text = "command " + std::string(protocol::to_string(result->outcome)) + " in " +
                    std::to_string(ms.count()) + " ms";
        if (result->outcome != protocol::command_outcome::ok) {
            if (result->status != 0)
                text += ": HTTP " + std::to_string(result->status);
            if (!result->detail.empty())
                text += std::string(": ") + std::string(result->detail);
        }
        return note(it->first, std::move(text));
    }
    if (const auto* reply = std::get_if<protocol::request_reply>(&event)) {
        if (reply->request == "system") {
            if (auto serial = text_member(reply->data, "serial_number"); !serial.empty())
                t.status.serial = std::move(serial);
            if (auto firmware = text_member(reply->data, "firmware_version"); !firmware.empty())
                t.status.firmware = std::move(firmware);
        } else if (reply->request == "project") {
            if (auto project = text_member(reply->data, "name"); !project.empty())
                t.status.project = std::move(project);
        }
    }
}

void status_board::state_changed(const std::string& name, tracked& t,
                                 const protocol::state_changed& change) {
    const auto state = std::string(protocol::to_string(change.state));
    if (state != t.status.state) {
        t.status.state = state;
        t.status.since = utc_now_iso8601();
    }
    if (!change.error.empty())
        t.status.last_error = shown(change.error);
    const auto error = change.error.empty() ? std::string() : ": " + shown(change.error);
    switch (change.state) {
    case protocol::link_state::live:
        t.was_live = true;
        t.failing.clear();
        return note(name, "connected");
    case protocol::link_state::auth_failed:
        t.was_live = false;
        t.failing = t.status.last_error;
        return note(name, "authentication failed" + error);
    case protocol::link_state::backoff:
        if (t.was_live) {
            t.was_live = false;
            t.failing = t.status.last_error;
            return note(name, "connection lost" + error);
        }
        // Retries that fail the same way are one event, not one every few seconds.
        if (t.status.last_error != t.failing) {
            t.failing = t.status.last_error;
            return note(name, "cannot connect" + error);
        }
        return;
    case protocol::link_state::stopped:
        if (t.was_live)
            note(name, "stopped");
        t.was_live = false;
        return;
    default:
        // Live to authenticating or connecting: the session ended (an expiry, a redirect) and
        // the gateway is setting it up again at once.
        if (t.was_live) {
            t.was_live = false;
            return note(name, "session ended: " + state + " again");
        }
        return;
    }
}

const status_board::controller_status& status_board::of(std::string_view controller) const {
    static const controller_status none;
    const auto it = controllers_.find(controller);
    return it == controllers_.end() ? none : it->second.status;
}

} // namespace mg::features
