#include "gateway/service/gateway.hpp"

#include "gateway/config/url.hpp"
#include "gateway/features/control.hpp"
#include "gateway/features/on_demand.hpp"
#include "gateway/features/state_topics.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>

namespace mg::service {
namespace {

std::vector<features::ha_controller_settings>
discovery_settings(const std::vector<config::controller_settings>& controllers) {
    std::vector<features::ha_controller_settings> out;
    const auto subscribed = [](const config::controller_settings& c, std::string_view channel) {
        return std::find(c.subscribe.begin(), c.subscribe.end(), channel) != c.subscribe.end();
    };
    for (const auto& c : controllers) {
        // The controller's web page is on the same scheme, host and port as its WebSocket.
        auto page = std::string(c.secure ? "https://" : "http://") + config::host_for_url(c.host) +
                    ":" + std::to_string(c.port) + "/";
        out.push_back(
            {c.name, std::move(page), c.read_only, subscribed(c, "beacon"), subscribed(c, "log")});
    }
    return out;
}

} // namespace

gateway::gateway(boost::asio::any_io_executor loop, const config::site_config& site,
                 mqtt::sink& sink, std::function<features::mqtt_counters()> mqtt_counters)
    : loop_(loop), site_(site), sink_(sink), topics_(site.mqtt.base_topic, site.site),
      mqtt_counters_(mqtt_counters) {
    auto availability = std::make_unique<features::availability>(sink_, topics_);
    availability_ = availability.get();
    features_.push_back(std::move(availability));
    features_.push_back(std::make_unique<features::state_topics>(sink_, topics_));
    features_.push_back(std::make_unique<features::on_demand>(sink_, topics_));
    features_.push_back(
        std::make_unique<features::control>(sink_, topics_, [this](const session::controller& c) {
            const auto it = sessions_.find(c.name());
            return it != sessions_.end() && it->second->settings().read_only;
        }));
    auto counters = std::make_unique<features::metrics_counters>();
    counters_ = counters.get();
    features_.push_back(std::move(counters));
    features_.push_back(std::make_unique<features::gateway_info>(sink_, topics_, site.site, loop_,
                                                                 std::move(mqtt_counters)));
    if (site.homeassistant.enabled) {
        auto discovery = std::make_unique<features::ha_discovery>(
            sink_, features::ha::discovery_site{site.homeassistant.prefix, site.site, topics_},
            site.homeassistant.status_topic, loop_, discovery_settings(site.controllers));
        discovery_ = discovery.get();
        features_.push_back(std::move(discovery));
    }
}

void gateway::broker_connected() {
    if (discovery_)
        discovery_->broker_connected();
}

gateway::~gateway() = default;

void gateway::start() {
    for (auto& f : features_)
        f->start();
    for (const auto& settings : site_.controllers)
        add_controller(settings);
}

void gateway::add_controller(const config::controller_settings& settings) {
    auto session = std::make_shared<session::controller_session>(
        loop_, settings, clock_,
        [this](session::controller_session& from, const protocol::link_event& event) {
            dispatch(from, event);
        });
    session->observe_traffic(observer_);
    sessions_[settings.name] = session;
    for (auto& f : features_)
        f->on_controller_added(*session);
    session->start();
}

void gateway::remove_controller(const std::string& name) {
    const auto it = sessions_.find(name);
    if (it == sessions_.end())
        return;
    auto session = it->second;
    session->stop();
    for (auto& f : features_)
        f->on_controller_removed(*session);
    sessions_.erase(it);
}

void gateway::dispatch(session::controller_session& from, const protocol::link_event& event) {
    for (auto& f : features_)
        f->on_event(from, event);
}

features::metrics_snapshot gateway::snapshot() {
    const auto now = clock_.now();
    samples_.resize(sessions_.size());
    auto sample = samples_.begin();
    for (const auto& [name, session] : sessions_) {
        const auto& counted = counters_->of(name);
        sample->name = name;
        sample->state = protocol::to_string(session->state());
        sample->up = session->state() == protocol::link_state::live;
        sample->messages_in = counted.messages_in;
        sample->commands = counted.commands;
        sample->reconnects = session->reconnects();
        sample->auth_renewals = session->authentications();
        sample->last_message_age.reset();
        if (const auto last = session->last_frame(); last != protocol::time_point{})
            sample->last_message_age = std::chrono::duration<double>(now - last).count();
        ++sample;
    }
    const auto mqtt = mqtt_counters_ ? mqtt_counters_() : features::mqtt_counters{};
    return {MG_VERSION, site_.site, samples_,
            {mqtt.connected, mqtt.published, mqtt.dropped, mqtt.reconnects, mqtt.buffered}};
}

void gateway::write_metrics(std::string& out) {
    features::write_metrics(out, snapshot());
}

bool gateway::write_health(std::string& out) {
    return features::write_health(out, snapshot());
}

void gateway::stop() {
    for (auto& [name, session] : sessions_)
        session->stop();
    for (auto& f : features_)
        f->stop();
}

void gateway::reload(const config::site_config& site) {
    if (site.site != site_.site || site.mqtt != site_.mqtt)
        spdlog::warn("reload: site and mqtt settings take effect after a restart");
    if (site.homeassistant != site_.homeassistant)
        spdlog::warn("reload: homeassistant settings take effect after a restart");
    if (discovery_)
        discovery_->reload(discovery_settings(site.controllers));
    std::vector<std::string> gone;
    for (const auto& [name, session] : sessions_) {
        const auto& wanted = site.controllers;
        const auto same = std::find_if(wanted.begin(), wanted.end(), [&](const auto& c) {
            return c.name == name && c == session->settings();
        });
        if (same == wanted.end())
            gone.push_back(name);
    }
    for (const auto& name : gone) {
        const bool kept = std::any_of(site.controllers.begin(), site.controllers.end(),
                                      [&](const auto& c) { return c.name == name; });
        if (kept) {
            spdlog::info("reload: {} stops", name);
            remove_controller(name);
            continue;
        }
        // Gone from the site file: after its offline, nothing of it stays on the broker.
        spdlog::info("reload: {} stops and its retained topics are cleared", name);
        remove_controller(name);
        sink_.clear_states(topics_.controller(name) + "/");
    }
    for (const auto& settings : site.controllers) {
        if (!sessions_.count(settings.name)) {
            spdlog::info("reload: {} starts", settings.name);
            add_controller(settings);
        }
    }
    site_.controllers = site.controllers;
    site_.logging = site.logging;
}

} // namespace mg::service
