#pragma once
// The typed site configuration (README "Configuration"). Every field carries its default; the
// loader fills what the YAML file says and validates it.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mg::config {

using duration = std::chrono::milliseconds;
using namespace std::chrono_literals;

struct mqtt_tls {
    std::string ca_file;
    std::string cert_file;
    std::string key_file;
    bool verify = true;
    bool operator==(const mqtt_tls&) const = default;
};

// One broker of mqtt.url.
struct broker_address {
    std::string host;
    std::uint16_t port = 1883;
    bool operator==(const broker_address&) const = default;
};

struct mqtt_settings {
    std::string url = "mqtt://127.0.0.1:1883"; // the first broker as written
    // Parsed from url; every broker of a list shares the scheme.
    bool secure = false;
    std::string host = "127.0.0.1";
    std::uint16_t port = 1883;
    // Every broker in the order given, the first one included: the client connects to the
    // first that answers and fails over to the next when the connection is lost.
    std::vector<broker_address> brokers{{"127.0.0.1", 1883}};

    std::string client_id; // default mosaic-gateway-<site>
    std::string username;
    std::string password; // secret: from password or password_file; never logged
    std::string base_topic = "mosaic";
    int qos = 1;
    int protocol = 5; // 5 or 3 (3.1.1)
    std::optional<mqtt_tls> tls;
    std::size_t buffer_messages = 100000;
    bool operator==(const mqtt_settings&) const = default;
};

struct controller_tls {
    std::string ca_file;
    std::string fingerprint_sha256; // normalised: upper-case hex pairs joined by ':'
    bool verify = true;
    bool operator==(const controller_tls&) const = default;
};

struct poll_entry {
    std::string request;
    std::optional<duration> every; // empty: on_connect
    std::string params_json;       // compact JSON object text, or empty
    std::string topic;             // topic suffix below C/; defaults to the request name
    bool operator==(const poll_entry&) const = default;
};

struct reconnect_settings {
    duration min = 500ms;
    duration max = 30s;
    bool operator==(const reconnect_settings&) const = default;
};

struct controller_settings {
    std::string name;
    std::string url;
    // Parsed from url.
    bool secure = false;
    std::string host;
    std::uint16_t port = 80;
    std::string path = "/query";

    std::string username;
    std::string password; // secret
    std::optional<controller_tls> tls;
    duration keepalive = 10s;
    duration request_timeout = 10s;
    int max_connections = 2;
    reconnect_settings reconnect;
    bool read_only = false;    // no command topics at all
    duration command_ttl = 5s; // a command not sent within this is dropped
    std::vector<std::string> subscribe;
    std::vector<poll_entry> poll;

    bool has_credentials() const { return !username.empty(); }
    bool operator==(const controller_settings&) const = default;
};

// Home Assistant MQTT discovery (README "Home Assistant"); off unless enabled.
struct homeassistant_settings {
    bool enabled = false;
    std::string prefix = "homeassistant";              // discovery prefix HA listens on
    std::string status_topic = "homeassistant/status"; // HA's birth and last will
    bool operator==(const homeassistant_settings&) const = default;
};

struct logging_settings {
    std::string level = "info"; // trace, debug, info, warn, error
    bool operator==(const logging_settings&) const = default;
};

// metrics.listen: where /metrics and /healthz are served; absent: not served.
struct metrics_settings {
    std::string host; // an IP address literal, IPv6 without brackets
    std::uint16_t port = 9464;
    bool operator==(const metrics_settings&) const = default;
};

struct site_config {
    std::string site;
    mqtt_settings mqtt;
    std::vector<controller_settings> controllers;
    homeassistant_settings homeassistant;
    std::optional<metrics_settings> metrics;
    logging_settings logging;
    bool operator==(const site_config&) const = default;
};

} // namespace mg::config
