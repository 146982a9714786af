#include "gateway/service/gateway.hpp"

#include "gateway/config/url.hpp"
#include "gateway/features/control.hpp"
#include "gateway/features/json.hpp"
#include "gateway/features/on_demand.hpp"
#include "gateway/features/state_topics.hpp"
#include "gateway/features/status_json.hpp"
#include "gateway/session/tls.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>
#include <stdexcept>

namespace mg::service {
namespace {

features::controller_context context_of(const config::controller_settings& c) {
    // The controller's web page is on the same scheme, host and port as its WebSocket.
    return {c.read_only, c.subscribe,
            std::string(c.secure ? "https://" : "http://") + config::host_and_port(c.host, c.port) +
                "/"};
}

// Where the status page says a controller is: never credentials (the site file keeps those out
// of URLs, and only the parsed parts are used here).
std::string shown_url(const config::controller_settings& c) {
    return std::string(c.secure ? "wss://" : "ws://") + config::host_and_port(c.host, c.port) +
           c.path;
}

std::string shown_brokers(const config::mqtt_settings& mqtt) {
    std::string out;
    for (const auto& b : mqtt.brokers) {
        out += out.empty() ? "" : ", ";
        out += std::string(mqtt.secure ? "mqtts://" : "mqtt://") +
               config::host_and_port(b.host, b.port);
    }
    return out;
}

} // namespace

gateway::gateway(boost::asio::any_io_executor loop, const config::site_config& site,
                 mqtt::sink& sink, std::function<features::mqtt_counters()> mqtt_counters)
    : loop_(loop), site_(site), sink_(sink), topics_(site.mqtt.base_topic, site.site),
      mqtt_counters_(mqtt_counters), broker_url_(shown_brokers(site.mqtt)),
      answers_(sink_, topics_) {
    auto availability = std::make_unique<features::availability>(sink_, topics_);
    availability_ = availability.get();
    features_.push_back(std::move(availability));
    features_.push_back(std::make_unique<features::state_topics>(sink_, topics_));
    features_.push_back(std::make_unique<features::on_demand>(sink_, topics_, answers_));
    features_.push_back(std::make_unique<features::control>(sink_, topics_, answers_));
    auto counters = std::make_unique<features::metrics_counters>();
    counters_ = counters.get();
    features_.push_back(std::move(counters));
    auto board = std::make_unique<features::status_board>();
    status_ = board.get();
    features_.push_back(std::move(board));
    auto info = std::make_unique<features::gateway_info>(
        sink_, topics_, site.site, loop_, [this] { return features::stats_json(snapshot()); });
    info_ = info.get();
    features_.push_back(std::move(info));
    if (site.homeassistant.enabled) {
        features_.push_back(std::make_unique<features::ha_discovery>(
            sink_, features::ha::discovery_site{site.homeassistant.prefix, site.site, topics_},
            site.homeassistant.status_topic, loop_));
    }
}

void gateway::broker_connected() {
    broker_since_ = features::utc_now_iso8601();
    status_->note({}, "broker connected");
    for (auto& f : features_)
        f->on_broker_connected();
}

void gateway::broker_lost() {
    broker_since_ = features::utc_now_iso8601();
    status_->note({}, "broker connection lost");
}

void gateway::note(std::string text) {
    status_->note({}, std::move(text));
}

gateway::~gateway() = default;

void gateway::start() {
    for (auto& f : features_)
        f->start();
    for (const auto& settings : site_.controllers)
        add_controller(settings);
}

void gateway::add_controller(const config::controller_settings& settings,
                             std::shared_ptr<boost::asio::ssl::context> tls) {
    auto budget = budgets_.try_emplace(settings.name, loop_, settings.max_connections).first;
    budget->second.set_max(settings.max_connections);
    auto session = std::make_shared<session::controller_session>(
        loop_, settings, clock_,
        [this](session::controller_session& from, const protocol::link_event& event) {
            dispatch(from, event);
        },
        budget->second, std::move(tls));
    session->observe_traffic(observer_);
    sessions_[settings.name] = session;
    urls_[settings.name] = shown_url(settings);
    const auto context = context_of(settings);
    for (auto& f : features_)
        f->on_controller_added(*session, context);
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
    if (const auto url = urls_.find(name); url != urls_.end())
        urls_.erase(url);
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
        sample->messages_rejected = counted.messages_rejected;
        sample->commands = counted.commands;
        sample->reconnects = session->reconnects();
        sample->auth_renewals = session->authentications();
        sample->last_message_age.reset();
        if (const auto last = session->last_frame(); last != protocol::time_point{})
            sample->last_message_age = std::chrono::duration<double>(now - last).count();
        const auto& shown = status_->of(name);
        sample->url = urls_[name];
        sample->since = shown.since;
        sample->serial = shown.serial;
        sample->firmware = shown.firmware;
        sample->project = shown.project;
        sample->last_error = shown.last_error;
        ++sample;
    }
    const auto mqtt = mqtt_counters_ ? mqtt_counters_() : features::mqtt_counters{};
    return {MG_VERSION,
            site_.site,
            samples_,
            {mqtt.connected, mqtt.published, mqtt.dropped, mqtt.reconnects, mqtt.buffered}};
}

void gateway::write_metrics(std::string& out) {
    features::write_metrics(out, snapshot());
}

bool gateway::write_health(std::string& out) {
    return features::write_health(out, snapshot());
}

void gateway::write_status(std::string& out) {
    const auto counters = snapshot();
    features::write_status_json(out, {counters,
                                      info_->started(),
                                      {counters.mqtt.connected, broker_url_, broker_since_},
                                      status_->events()});
}

void gateway::stop() {
    for (auto& [name, session] : sessions_)
        session->stop();
    for (auto& f : features_)
        f->stop();
}

std::vector<std::string> gateway::restarting(const config::site_config& site) const {
    std::vector<std::string> out;
    for (const auto& settings : site.controllers) {
        const auto it = sessions_.find(settings.name);
        if (it == sessions_.end() || !(it->second->settings() == settings))
            out.push_back(settings.name);
    }
    return out;
}

gateway::prepared_reload gateway::prepare_reload(const config::site_config& site) const {
    prepared_reload out{site, {}};
    const auto starting = restarting(site);
    for (const auto& settings : site.controllers) {
        if (!settings.secure ||
            std::find(starting.begin(), starting.end(), settings.name) == starting.end())
            continue;
        try {
            out.tls[settings.name] = session::make_client_tls_context(settings.tls);
        } catch (const std::exception& e) {
            throw std::runtime_error("controller " + settings.name + ": " + e.what());
        }
    }
    return out;
}

void gateway::apply_reload(prepared_reload prepared) {
    const auto& site = prepared.site;
    if (site.site != site_.site || site.mqtt != site_.mqtt)
        spdlog::warn("reload: site and mqtt settings take effect after a restart");
    if (site.homeassistant != site_.homeassistant)
        spdlog::warn("reload: homeassistant settings take effect after a restart");
    std::vector<std::string> gone;
    for (const auto& [name, session] : sessions_) {
        const auto& wanted = site.controllers;
        const auto same = std::find_if(wanted.begin(), wanted.end(), [&](const auto& c) {
            return c.name == name && c == session->settings();
        });
        if (same == wanted.end())
            gone.push_back(name);
    }
    std::vector<std::string> restarted;
    for (const auto& name : gone) {
        const bool kept = std::any_of(site.controllers.begin(), site.controllers.end(),
                                      [&](const auto& c) { return c.name == name; });
        if (kept) {
            spdlog::info("reload: {} stops", name);
            status_->note(name, "reload: restarts with new settings");
            remove_controller(name);
            restarted.push_back(name);
            continue;
        }
        // Gone from the site file: after its offline, nothing of it stays on the broker.
        spdlog::info("reload: {} stops and its retained topics are cleared", name);
        status_->note(name, "reload: removed");
        remove_controller(name);
        budgets_.erase(name);
        for (auto& f : features_)
            f->on_controller_gone(name);
        sink_.clear_states(topics_.controller(name) + "/");
    }
    for (const auto& settings : site.controllers) {
        if (!sessions_.count(settings.name)) {
            spdlog::info("reload: {} starts", settings.name);
            if (std::find(restarted.begin(), restarted.end(), settings.name) == restarted.end())
                status_->note(settings.name, "reload: added");
            const auto tls = prepared.tls.find(settings.name);
            add_controller(settings, tls == prepared.tls.end() ? nullptr : tls->second);
        }
    }
    site_.controllers = site.controllers;
    site_.logging = site.logging;
    status_->note({}, "site file reloaded: " + std::to_string(site.controllers.size()) +
                          " controller(s)");
}

} // namespace mg::service
