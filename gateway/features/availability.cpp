#include "gateway/features/availability.hpp"

#include "gateway/features/json.hpp"

#include <algorithm>

namespace mg::features {

void availability::stop() {
    for (const auto& [name, live] : live_)
        publish_offline(name);
}

void availability::on_controller_added(session::controller& c, const controller_context&) {
    live_.emplace(c.name(), false);
    sink_.publish_state(topics_.controller(c.name(), "status"), "offline");
}

void availability::on_controller_removed(session::controller& c) {
    publish_offline(c.name());
    if (const auto it = live_.find(c.name()); it != live_.end())
        live_.erase(it);
}

void availability::publish_offline(const std::string& controller) {
    sink_.publish_state(topics_.controller(controller, "status"), "offline");
}

void availability::on_event(session::controller& c, const protocol::link_event& event) {
    const auto* change = std::get_if<protocol::state_changed>(&event);
    if (!change || change->state == protocol::link_state::stopped ||
        change->state == protocol::link_state::idle)
        return;
    const bool live = change->state == protocol::link_state::live;
    live_[c.name()] = live;
    sink_.publish_state(topics_.controller(c.name(), "status"), live ? "online" : "offline");

    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    w.Key("state");
    const auto state = protocol::to_string(change->state);
    w.String(state.data(), static_cast<rapidjson::SizeType>(state.size()));
    w.Key("since");
    w.String(utc_now_iso8601());
    w.Key("reconnects");
    w.Uint64(change->reconnects);
    w.Key("last_error");
    if (change->error.empty())
        w.Null();
    else
        w.String(change->error.data(), static_cast<rapidjson::SizeType>(change->error.size()));
    w.EndObject();
    sink_.publish_state(topics_.controller(c.name(), "connection"),
                        std::string_view(buffer.GetString(), buffer.GetSize()));
}

std::size_t availability::live_count() const {
    return static_cast<std::size_t>(
        std::count_if(live_.begin(), live_.end(), [](const auto& e) { return e.second; }));
}

} // namespace mg::features
