#pragma once
// The assembled bridge for one site: one session per controller and the features between them
// and the MQTT sink, all on one event loop.

#include "gateway/config/site_config.hpp"
#include "gateway/features/availability.hpp"
#include "gateway/features/feature.hpp"
#include "gateway/features/gateway_info.hpp"
#include "gateway/features/ha_discovery.hpp"
#include "gateway/features/metrics_counters.hpp"
#include "gateway/features/metrics_text.hpp"
#include "gateway/features/topic_scheme.hpp"
#include "gateway/mqtt/sink.hpp"
#include "gateway/protocol/clock.hpp"
#include "gateway/session/controller_session.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace mg::service {

class gateway {
public:
    gateway(boost::asio::any_io_executor loop, const config::site_config& site, mqtt::sink& sink,
            std::function<features::mqtt_counters()> mqtt_counters = {});
    ~gateway();

    // Every controller's traffic is reported to `observer` (`--capture`); set before start().
    void observe_traffic(protocol::traffic_observer observer) { observer_ = std::move(observer); }

    void start();
    // Closes every WebSocket and publishes offline for every controller and the gateway.
    void stop();
    // Applies a new site file: controllers added start, removed ones stop, changed ones
    // restart, unchanged ones keep their WebSocket. Broker and site settings need a restart.
    void reload(const config::site_config& site);

    // The broker connection came up (each time): features that announce themselves do so again.
    void broker_connected();

    std::size_t controllers_live() const { return availability_->live_count(); }
    std::size_t controllers_total() const { return sessions_.size(); }

    // The /metrics exposition and the /healthz report (returns healthy), appended to `out`.
    void write_metrics(std::string& out);
    bool write_health(std::string& out);

private:
    void add_controller(const config::controller_settings& settings);
    void remove_controller(const std::string& name);
    void dispatch(session::controller_session& from, const protocol::link_event& event);
    // The counters as of now; refers to this gateway's sessions until the next call.
    features::metrics_snapshot snapshot();

    boost::asio::any_io_executor loop_;
    config::site_config site_;
    mqtt::sink& sink_;
    features::topic_scheme topics_;
    protocol::steady_clock clock_;
    features::availability* availability_ = nullptr;
    features::ha_discovery* discovery_ = nullptr; // only with homeassistant.enabled
    features::metrics_counters* counters_ = nullptr;
    std::function<features::mqtt_counters()> mqtt_counters_;
    std::vector<features::controller_sample> samples_; // reused by every scrape
    std::vector<std::unique_ptr<features::feature>> features_;
    std::map<std::string, std::shared_ptr<session::controller_session>, std::less<>> sessions_;
    protocol::traffic_observer observer_;
};

} // namespace mg::service
