#include "gateway/service/gateway.hpp"

#include "gateway/features/on_demand.hpp"
#include "gateway/features/state_topics.hpp"

namespace mg::service {

gateway::gateway(boost::asio::any_io_executor loop, const config::site_config& site,
                 mqtt::sink& sink, std::function<features::mqtt_counters()> mqtt_counters)
    : loop_(loop), sink_(sink), topics_(site.mqtt.base_topic, site.site),
      controller_settings_(site.controllers) {
    auto availability = std::make_unique<features::availability>(sink_, topics_);
    availability_ = availability.get();
    features_.push_back(std::move(availability));
    features_.push_back(std::make_unique<features::state_topics>(sink_, topics_));
    features_.push_back(std::make_unique<features::on_demand>(sink_, topics_));
    features_.push_back(std::make_unique<features::gateway_info>(sink_, topics_, site.site, loop_,
                                                                 std::move(mqtt_counters)));
}

gateway::~gateway() = default;

void gateway::start() {
    for (auto& f : features_)
        f->start();
    for (const auto& settings : controller_settings_)
        add_controller(settings);
}

void gateway::add_controller(const config::controller_settings& settings) {
    auto session = std::make_shared<session::controller_session>(
        loop_, settings, clock_,
        [this](session::controller_session& from, const protocol::link_action& event) {
            dispatch(from, event);
        });
    sessions_.push_back(session);
    for (auto& f : features_)
        f->on_controller_added(*session);
    session->start();
}

void gateway::dispatch(session::controller_session& from, const protocol::link_action& event) {
    for (auto& f : features_)
        f->on_event(from, event);
}

void gateway::stop() {
    for (auto& session : sessions_)
        session->stop();
    for (auto& f : features_)
        f->stop();
}

} // namespace mg::service
