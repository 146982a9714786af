#include "gateway/features/metrics_text.hpp"

#include <charconv>
#include <cmath>

namespace mg::features {
namespace {

constexpr std::string_view prefix = "mosaic_gateway_";

void append_number(std::string& out, std::uint64_t value) {
    char buffer[24];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    out.append(buffer, end);
}

void append_number(std::string& out, double value) {
    if (std::isinf(value)) {
        out.append(value > 0 ? "+Inf" : "-Inf");
        return;
    }
    char buffer[32];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    out.append(buffer, end);
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    out.append("# HELP ").append(prefix).append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(prefix).append(name).append(" ").append(type).append("\n");
}

// `mosaic_gateway_<name>{controller="<controller>"` without the closing brace, so that a caller
// may add labels. Controller names need no escaping: the site file allows only [A-Za-z0-9_-].
void controller_series(std::string& out, std::string_view name, std::string_view controller) {
    out.append(prefix).append(name).append("{controller=\"").append(controller).append("\"");
}

template <typename Number> void value_line(std::string& out, Number value) {
    out.append(" ");
    append_number(out, value);
    out.append("\n");
}

template <typename Get>
void per_controller(std::string& out, const metrics_snapshot& s, std::string_view name,
                    std::string_view type, std::string_view help, Get get) {
    family(out, name, type, help);
    for (const auto& c : s.controllers) {
        controller_series(out, name, c.name);
        out.append("}");
        value_line(out, get(c));
    }
}

template <typename Number>
void gateway_metric(std::string& out, std::string_view name, std::string_view type,
                    std::string_view help, Number value) {
    family(out, name, type, help);
    out.append(prefix).append(name);
    value_line(out, value);
}

void json_string(std::string& out, std::string_view text) {
    // Names and states are identifiers; quotes and backslashes cannot occur in them.
    out.append("\"").append(text).append("\"");
}

} // namespace

void write_metrics(std::string& out, const metrics_snapshot& s) {
    family(out, "build_info", "gauge", "Version of the running gateway and its site; always 1.");
    out.append(prefix).append("build_info{version=\"").append(s.version);
    out.append("\",site=\"").append(s.site).append("\"} 1\n");

    per_controller(out, s, "controller_up", "gauge",
                   "1 while the controller's WebSocket is open and subscribed.",
                   [](const controller_sample& c) { return std::uint64_t{c.up}; });
    family(out, "controller_state", "gauge",
           "1 for the controller's connection state (as in C/connection), 0 for the others.");
    for (const auto& c : s.controllers) {
        for (const auto state : connection_states) {
            controller_series(out, "controller_state", c.name);
            out.append(",state=\"").append(state).append("\"}");
            value_line(out, std::uint64_t{c.state == state});
        }
    }
    per_controller(out, s, "controller_messages_received_total", "counter",
                   "Messages received from the controller (broadcasts and replies).",
                   [](const controller_sample& c) { return c.messages_in; });
    per_controller(out, s, "controller_messages_rejected_total", "counter",
                   "Messages from the controller that were not valid JSON or of an unknown shape "
                   "(counted in received too).",
                   [](const controller_sample& c) { return c.messages_rejected; });
    per_controller(out, s, "controller_reconnects_total", "counter",
                   "Times the controller's WebSocket came up again after the first time.",
                   [](const controller_sample& c) { return c.reconnects; });
    per_controller(out, s, "controller_auth_renewals_total", "counter",
                   "Authentications with the controller (POST /authenticate), for the "
                   "WebSocket or a control call, failed ones included.",
                   [](const controller_sample& c) { return c.auth_renewals; });

    family(out, "controller_commands_total", "counter",
           "MQTT commands to the controller by result.");
    for (const auto& c : s.controllers) {
        for (std::size_t i = 0; i < command_results.size(); ++i) {
            controller_series(out, "controller_commands_total", c.name);
            out.append(",result=\"").append(command_results[i]).append("\"}");
            value_line(out, c.commands[i]);
        }
    }
    per_controller(
        out, s, "controller_last_message_age_seconds", "gauge",
        "Seconds since the last frame from the controller or the opening of its "
        "WebSocket; +Inf while it never connected.",
        [](const controller_sample& c) { return c.last_message_age.value_or(HUGE_VAL); });

    gateway_metric(out, "mqtt_connected", "gauge", "1 while the broker connection is up.",
                   std::uint64_t{s.mqtt.connected});
    gateway_metric(out, "mqtt_messages_published_total", "counter",
                   "Messages handed to the MQTT client, repeats after a reconnect included.",
                   s.mqtt.messages_out);
    gateway_metric(out, "mqtt_messages_buffered", "gauge",
                   "Messages waiting for the broker: held events and unsent state topics.",
                   std::uint64_t{s.mqtt.buffered});
    gateway_metric(out, "mqtt_messages_dropped_total", "counter",
                   "Events dropped because the buffer was full, and messages the broker refused.",
                   s.mqtt.dropped);
    gateway_metric(out, "mqtt_reconnects_total", "counter",
                   "Broker connections made after the first one.", s.mqtt.reconnects);
}

bool write_health(std::string& out, const metrics_snapshot& s) {
    std::uint64_t live = 0;
    for (const auto& c : s.controllers)
        live += c.up ? 1 : 0;
    const bool healthy = s.mqtt.connected && live == s.controllers.size();
    out.append("{\"healthy\":").append(healthy ? "true" : "false");
    out.append(",\"broker\":").append(s.mqtt.connected ? "\"connected\"" : "\"disconnected\"");
    out.append(",\"controllers_live\":");
    append_number(out, live);
    out.append(",\"controllers_total\":");
    append_number(out, std::uint64_t{s.controllers.size()});
    out.append(",\"not_live\":{");
    bool first = true;
    for (const auto& c : s.controllers) {
        if (c.up)
            continue;
        out.append(first ? "" : ",");
        first = false;
        json_string(out, c.name);
        out.append(":");
        json_string(out, c.state);
    }
    out.append("}}\n");
    return healthy;
}

} // namespace mg::features
