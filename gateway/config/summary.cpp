#include "gateway/config/duration.hpp"
#include "gateway/config/load.hpp"
#include "gateway/config/url.hpp"
#include "gateway/config/warnings.hpp"

#include <algorithm>
#include <sstream>
#include <utility>
#include <vector>

namespace mg::config {
namespace {

std::string normalized_url(bool secure, std::string_view insecure_scheme,
                           std::string_view secure_scheme, const std::string& host,
                           std::uint16_t port, std::string_view path) {
    return std::string(secure ? secure_scheme : insecure_scheme) + "://" +
           host_and_port(host, port) + std::string(path);
}

void write_mqtt(std::ostream& out, const mqtt_settings& mqtt, const std::string& site) {
    out << "mqtt:        " << normalized_url(mqtt.secure, "mqtt", "mqtts", mqtt.host, mqtt.port, "")
        << " (MQTT " << (mqtt.protocol == 5 ? "5" : "3.1.1") << ", qos " << mqtt.qos << ")\n";
    for (std::size_t i = 1; i < mqtt.brokers.size(); ++i)
        out << "  failover:  "
            << normalized_url(mqtt.secure, "mqtt", "mqtts", mqtt.brokers[i].host,
                              mqtt.brokers[i].port, "")
            << "\n";
    out << "  client id: " << mqtt.client_id << "\n";
    out << "  topics:    " << mqtt.base_topic << "/" << site << "/...\n";
    if (!mqtt.username.empty() || !mqtt.password.empty()) {
        out << "  user:      " << (mqtt.username.empty() ? "(none)" : mqtt.username);
        if (!mqtt.password.empty())
            out << ", password: (set)";
        out << "\n";
    }
    if (mqtt.tls) {
        out << "  tls:       verify " << (mqtt.tls->verify ? "on" : "off");
        if (!mqtt.tls->ca_file.empty())
            out << ", ca " << mqtt.tls->ca_file;
        if (!mqtt.tls->cert_file.empty())
            out << ", client certificate " << mqtt.tls->cert_file;
        out << "\n";
    }
    out << "  buffer:    " << mqtt.buffer_messages << " messages\n";
}

// Grouped by schedule, so that the default set fits on one line.
void write_polls(std::ostream& out, const std::vector<poll_entry>& polls) {
    std::vector<std::pair<std::string, std::vector<std::string>>> groups;
    for (const auto& poll : polls) {
        auto when = poll.every ? "every " + format_duration(*poll.every) : "on connect";
        auto what = poll.topic == poll.request ? poll.request : poll.request + " -> " + poll.topic;
        const auto group = std::find_if(groups.begin(), groups.end(),
                                        [&](const auto& g) { return g.first == when; });
        if (group == groups.end())
            groups.push_back({std::move(when), {std::move(what)}});
        else
            group->second.push_back(std::move(what));
    }
    out << "    polls: ";
    if (groups.empty())
        out << "none";
    for (std::size_t i = 0; i < groups.size(); ++i) {
        out << (i ? "; " : "") << groups[i].first << ": ";
        for (std::size_t k = 0; k < groups[i].second.size(); ++k)
            out << (k ? ", " : "") << groups[i].second[k];
    }
    out << "\n";
}

void write_controller(std::ostream& out, const controller_settings& c) {
    out << "  " << c.name << ": " << normalized_url(c.secure, "ws", "wss", c.host, c.port, c.path)
        << ", auth " << (c.has_credentials() ? "yes" : "no");
    if (c.tls && !c.tls->fingerprint_sha256.empty())
        out << " (certificate pinned)";
    else if (c.tls && !c.tls->verify)
        out << " (certificate not verified)";
    out << ", keepalive " << format_duration(c.keepalive) << ", " << c.subscribe.size()
        << (c.subscribe.size() == 1 ? " channel" : " channels") << "\n";
    write_polls(out, c.poll);
    if (c.read_only) {
        out << "    control: read-only, no command topics\n";
        return;
    }
    out << "    control: commands expire after " << format_duration(c.command_ttl) << "\n";
    // The WebSocket takes the only connection: nothing is left for the HTTP control API.
    if (c.max_connections < 2)
        out << "    warning: max_connections 1 leaves no room for control: every command gets "
               "C/error no_budget (set read_only: true if that is meant)\n";
}

void write_homeassistant(std::ostream& out, const homeassistant_settings& ha) {
    out << "homeassistant: ";
    if (ha.enabled)
        out << "on, discovery under " << ha.prefix << "/device/..., status " << ha.status_topic;
    else
        out << "off";
    out << "\n";
}

} // namespace

std::string summarize(const site_config& config) {
    std::ostringstream out;
    out << "site:        " << config.site << "\n";
    write_mqtt(out, config.mqtt, config.site);
    out << "controllers: " << config.controllers.size() << "\n";
    for (const auto& controller : config.controllers)
        write_controller(out, controller);
    write_homeassistant(out, config.homeassistant);
    if (config.metrics)
        out << "metrics:     http://" << host_and_port(config.metrics->host, config.metrics->port)
            << "/metrics and /healthz\n";
    out << "logging:     " << config.logging.level << "\n";
    for (const auto& warning : warnings(config))
        out << "warning: " << warning << "\n";
    return out.str();
}

} // namespace mg::config
