#pragma once
// The two kinds of URL a site file holds: a controller's WebSocket and the MQTT broker.

#include <cstdint>
#include <string>
#include <string_view>

namespace mg::config {

enum class url_kind {
    controller, // ws:// (port 80) or wss:// (port 443); path defaults to /query
    broker,     // mqtt:// (port 1883) or mqtts:// (port 8883); no path
};

struct url_parts {
    std::string scheme; // lower case
    bool secure = false;
    std::string host; // IPv6 literals without their brackets, as resolvers take them
    std::uint16_t port = 0;
    std::string path; // controller: starts with '/', may carry a query; broker: empty
    bool operator==(const url_parts&) const = default;
};

// Throws std::invalid_argument with a message fit for a user. The message never repeats the URL:
// it may have come from the environment and carry something private.
url_parts parse_url(std::string_view text, url_kind kind);

// The host as it must appear in a URL or a Host header: IPv6 literals get their brackets back.
std::string host_for_url(std::string_view host);

// `host:port` for logs, URIs and Host headers, with IPv6 literals in brackets: `[::1]:1883`.
std::string host_and_port(std::string_view host, std::uint16_t port);

} // namespace mg::config
