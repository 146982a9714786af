#include "gateway/features/gateway_info.hpp"

#include "gateway/features/json.hpp"

namespace mg::features {

gateway_info::gateway_info(mqtt::sink& sink, const topic_scheme& topics, std::string site,
                           boost::asio::any_io_executor loop, std::function<std::string()> stats,
                           std::chrono::milliseconds stats_period)
    : sink_(sink), topics_(topics), site_(std::move(site)), stats_(std::move(stats)),
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
    sink_.publish_state(topics_.gateway("stats"), stats_());
}

void gateway_info::on_controller_added(session::controller& c, const controller_context&) {
    controllers_.insert(c.name());
    if (running_)
        publish_info();
}

void gateway_info::on_controller_removed(session::controller& c) {
    if (const auto it = controllers_.find(c.name()); it != controllers_.end())
        controllers_.erase(it);
    if (running_)
        publish_info();
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
    for (const auto& name : controllers_)
        w.String(name);
    w.EndArray();
    w.Key("started");
    w.String(started_);
    w.EndObject();
    sink_.publish_state(topics_.gateway("info"), {buffer.GetString(), buffer.GetSize()});
}

void gateway_info::schedule_stats() {
    timer_.expires_after(period_);
    timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || !running_)
            return;
        sink_.publish_state(topics_.gateway("stats"), stats_());
        schedule_stats();
    });
}

} // namespace mg::features
