#pragma once
// The assembled bridge for one site: one session per controller and the features between them
// and the MQTT sink, all on one event loop.

#include "gateway/config/site_config.hpp"
#include "gateway/features/answers.hpp"
#include "gateway/features/availability.hpp"
#include "gateway/features/feature.hpp"
#include "gateway/features/gateway_info.hpp"
#include "gateway/features/ha_discovery.hpp"
#include "gateway/features/metrics_counters.hpp"
#include "gateway/features/metrics_text.hpp"
#include "gateway/features/status_board.hpp"
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
    // A new site file made ready to apply: whatever can fail is done here (the TLS contexts of
    // the controllers it starts are built from their files), before anything changes.
    struct prepared_reload {
        config::site_config site;
        std::map<std::string, std::shared_ptr<boost::asio::ssl::context>, std::less<>> tls;
    };
    // Throws std::exception when the new file cannot be used; nothing has changed then.
    prepared_reload prepare_reload(const config::site_config& site) const;
    // Applies it: controllers added start, removed ones stop, changed ones restart, unchanged
    // ones keep their WebSocket. Broker and site settings need a restart.
    void apply_reload(prepared_reload prepared);
    void reload(const config::site_config& site) { apply_reload(prepare_reload(site)); }

    // The broker connection came up (each time): features that announce themselves do so again.
    void broker_connected();
    // The broker connection was lost: noted for the status page.
    void broker_lost();
    // An event of the gateway itself for the status page (a reload, a refused reload).
    void note(std::string text);

    std::size_t controllers_live() const { return availability_->live_count(); }
    std::size_t controllers_total() const { return sessions_.size(); }

    // The /metrics exposition and the /healthz report (returns healthy), appended to `out`.
    void write_metrics(std::string& out);
    bool write_health(std::string& out);
    // The /status.json report (CONTRACT §9), appended to `out`.
    void write_status(std::string& out);

private:
    // Names whose session would (re)start if `site` were applied.
    std::vector<std::string> restarting(const config::site_config& site) const;
    void add_controller(const config::controller_settings& settings,
                        std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
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
    features::metrics_counters* counters_ = nullptr;
    features::status_board* status_ = nullptr;
    features::gateway_info* info_ = nullptr;
    std::function<features::mqtt_counters()> mqtt_counters_;
    std::string broker_url_;   // the configured brokers, for the status page
    std::string broker_since_; // UTC ISO 8601 of the last broker connect or loss
    // Each controller's address for the status page: scheme, host, port and path only.
    std::map<std::string, std::string, std::less<>> urls_;
    std::vector<features::controller_sample> samples_; // reused by every scrape
    // Answers callers of /get and commands; before the features that use it.
    features::answers answers_;
    std::vector<std::unique_ptr<features::feature>> features_;
    std::map<std::string, std::shared_ptr<session::controller_session>, std::less<>> sessions_;
    // Per controller, kept across a reload that restarts its session: the old and the new
    // session share one budget of connections.
    std::map<std::string, session::connection_budget, std::less<>> budgets_;
    protocol::traffic_observer observer_;
};

} // namespace mg::service
