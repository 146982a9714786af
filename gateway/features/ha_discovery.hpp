#pragma once
// Home Assistant MQTT discovery (README "Home Assistant"): every controller a
// device with its groups, timelines, scenes and more as entities, and the gateway a device
// they hang off.
//
// Life cycle:
// - The gateway's config goes out at start and before the controllers' on every announcement,
//   so `via_device` always names a device Home Assistant knows.
// - A controller is announced once its `system` reply named its serial, and again whenever its
//   project objects change; a component that went is first sent as {"platform": ...} alone,
//   the payload without it follows a moment later.
// - Everything is announced again on every broker connect, and 1-5 s (random) after `online`
//   on Home Assistant's status topic: its birth message is not retained, so a restarted Home
//   Assistant would otherwise never hear of us again.
// - A controller a reload removes gets an empty retained config; stopping clears nothing (that
//   would delete the user's entity settings).
// - Retained controller configs under the prefix that name this gateway as `via_device` but a
//   device name that is no controller of the site file are cleared; other sites' are never
//   touched.

#include "gateway/features/feature.hpp"
#include "gateway/features/ha_model.hpp"
#include "gateway/features/ha_payload.hpp"
#include "gateway/mqtt/sink.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace mg::features {

class ha_discovery final : public feature {
public:
    struct timing {
        // Wait after Home Assistant's `online`, drawn at random so that many gateways do not
        // all answer one restart in the same instant.
        std::chrono::milliseconds birth_min = std::chrono::seconds(1);
        std::chrono::milliseconds birth_max = std::chrono::seconds(5);
        // Between a payload naming removed components and the one without them.
        std::chrono::milliseconds removal_gap = std::chrono::seconds(1);
        std::uint32_t seed = std::random_device{}();
    };

    ha_discovery(mqtt::sink& sink, ha::discovery_site site, std::string status_topic,
                 boost::asio::any_io_executor loop, timing t);
    ha_discovery(mqtt::sink& sink, ha::discovery_site site, std::string status_topic,
                 boost::asio::any_io_executor loop)
        : ha_discovery(sink, std::move(site), std::move(status_topic), loop, timing{}) {}

    void start() override;
    void stop() override;
    void on_controller_added(session::controller& c, const controller_context& context) override;
    void on_controller_removed(session::controller& c) override;
    // Its device is removed from Home Assistant: an empty config.
    void on_controller_gone(const std::string& name) override;
    void on_event(session::controller& c, const protocol::link_event& event) override;

    // The broker connection came up: announce everything again.
    void on_broker_connected() override;

    // Tags of the requests this feature sends itself; the high bit keeps them apart from the
    // on-demand feature's.
    static constexpr std::uint64_t own_tag = std::uint64_t{1} << 63;

private:
    struct device {
        ha::controller_model model;
        std::vector<ha::component_ref> announced;
        std::string last_project; // the project reply, to see a new upload
    };

    void on_reply(session::controller& c, device& d, const protocol::request_reply& reply);
    void request_objects(session::controller& c, bool project_objects);
    void announce_all(bool always);
    void announce(device& d, bool always);
    void on_config_seen(const mqtt::inbound_message& message);
    void on_status(const mqtt::inbound_message& message);
    void clear_serial(const std::string& serial);

    mqtt::sink& sink_;
    ha::discovery_site site_;
    std::string status_topic_;
    timing timing_;
    std::map<std::string, device, std::less<>> devices_;
    // The serial each controller name was last announced with, kept across a remove and
    // re-add so that a swapped controller's old device is cleared.
    std::map<std::string, std::string, std::less<>> serials_;
    std::set<std::string> removals_pending_;
    boost::asio::steady_timer birth_timer_;
    boost::asio::steady_timer removal_timer_;
    std::mt19937 random_;
    bool running_ = false;
};

} // namespace mg::features
