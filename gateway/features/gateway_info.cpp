#include "gateway/features/gateway_info.hpp"

#include "gateway/features/json.hpp"

namespace mg::features {

gateway_info::gateway_info(mqtt::sink& sink, const topic_scheme& topics, std::string site,
                           boost::asio::any_io_executor loop, std::function<mqtt_counters()> mqtt,
                           std::chrono::milliseconds stats_period)
    : sink_(sink), topics_(topics), site_(std::move(site)), mqtt_(std::move(mqtt)),
      period_(stats_period), timer_(loop) {}

void gateway_info::start() {
    running_ = true;
    started_ = utc_now_iso8601();
    publish_info();
    schedule_stats();
}

void gateway_info::stop() {
    running_ = false;
    timer_.cancel();
    sink_.publish_state(topics_.gateway("stats"), stats_json());
}

void gateway_info::on_controller_added(session::controller& c, const controller_context&) {
    controllers_.try_emplace(c.name());
    if (running_)
        publish_info();
}

void gateway_info::on_controller_removed(session::controller& c) {
    if (const auto it = controllers_.find(c.name()); it != controllers_.end())
        controllers_.erase(it);
    if (running_)
        publish_info();
}

void gateway_info::on_event(session::controller& c, const protocol::link_event& event) {
    auto& counters = controllers_[c.name()];
    if (std::holds_alternative<protocol::channel_message>(event) ||
        std::holds_alternative<protocol::request_reply>(event)) {
        ++counters.messages_in;
    } else if (std::holds_alternative<protocol::frame_rejected>(event)) {
        ++counters.messages_in;
        ++counters.rejected;
    } else if (const auto* change = std::get_if<protocol::state_changed>(&event)) {
        counters.reconnects = change->reconnects;
        counters.live = change->state == protocol::link_state::live;
        if (change->state == protocol::link_state::authenticating)
            ++counters.authentications;
    }
}

void gateway_info::publish_info() {
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    w.Key("version");
    w.String(MG_VERSION);
    w.Key("site");
    w.String(site_);
    w.Key("controllers");
    w.StartArray();
    for (const auto& [name, counters] : controllers_)
        w.String(name);
    w.EndArray();
    w.Key("started");
    w.String(started_);
    w.EndObject();
    sink_.publish_state(topics_.gateway("info"), {buffer.GetString(), buffer.GetSize()});
}

std::string gateway_info::stats_json() const {
    const auto mqtt = mqtt_ ? mqtt_() : mqtt_counters{};
    controller_counters total;
    for (const auto& [name, c] : controllers_) {
        total.messages_in += c.messages_in;
        total.rejected += c.rejected;
        total.reconnects += c.reconnects;
        total.authentications += c.authentications;
    }
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    const auto counts = [&w](const controller_counters& c) {
        w.Key("messages_in");
        w.Uint64(c.messages_in);
        w.Key("rejected");
        w.Uint64(c.rejected);
        w.Key("reconnects");
        w.Uint64(c.reconnects);
        w.Key("auth_renewals");
        w.Uint64(c.authentications);
    };
    w.StartObject();
    counts(total);
    w.Key("messages_out");
    w.Uint64(mqtt.published);
    w.Key("dropped");
    w.Uint64(mqtt.dropped);
    w.Key("buffered");
    w.Uint64(mqtt.buffered);
    w.Key("mqtt_reconnects");
    w.Uint64(mqtt.reconnects);
    w.Key("controllers");
    w.StartObject();
    for (const auto& [name, c] : controllers_) {
        w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
        w.StartObject();
        w.Key("live");
        w.Bool(c.live);
        counts(c);
        w.EndObject();
    }
    w.EndObject();
    w.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

void gateway_info::schedule_stats() {
    timer_.expires_after(period_);
    timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || !running_)
            return;
        sink_.publish_state(topics_.gateway("stats"), stats_json());
        schedule_stats();
    });
}

} // namespace mg::features
