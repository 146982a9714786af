#include "gateway/config/url.hpp"

#include "gateway/protocol/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace mg::config {
namespace {

struct scheme_info {
    std::string_view name;
    bool secure;
    std::uint16_t default_port;
};

constexpr scheme_info controller_schemes[] = {{"ws", false, 80}, {"wss", true, 443}};
constexpr scheme_info broker_schemes[] = {{"mqtt", false, 1883}, {"mqtts", true, 8883}};

[[noreturn]] void fail(std::string message) {
    throw std::invalid_argument(std::move(message));
}

using protocol::lower;

const scheme_info& find_scheme(std::string_view scheme, url_kind kind) {
    const auto& table = kind == url_kind::controller ? controller_schemes : broker_schemes;
    for (const auto& info : table) {
        if (info.name == scheme)
            return info;
    }
    fail(kind == url_kind::controller ? "scheme must be ws or wss"
                                      : "scheme must be mqtt or mqtts");
}

bool is_host_char(unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_';
}

bool is_ipv6_char(unsigned char c) {
    return std::isxdigit(c) || c == ':' || c == '.';
}

std::uint16_t parse_port(std::string_view text) {
    unsigned value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value < 1 || value > 65535)
        fail("port must be a number from 1 to 65535");
    return static_cast<std::uint16_t>(value);
}

// Splits `host[:port]` or `[v6]:port`; the port stays empty when the URL has none.
void split_authority(std::string_view authority, std::string& host, std::string_view& port) {
    if (authority.find('@') != std::string_view::npos)
        fail("credentials do not belong in the URL; use username and password_file");
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos)
            fail("IPv6 address is missing its closing ']'");
        const auto literal = authority.substr(1, close - 1);
        // A zone (`%eth0`) may follow the address; it names a local interface.
        const auto address = literal.substr(0, literal.find('%'));
        if (address.find(':') == std::string_view::npos ||
            !std::all_of(address.begin(), address.end(), is_ipv6_char))
            fail("invalid IPv6 address between '[' and ']'");
        host = literal;
        const auto rest = authority.substr(close + 1);
        if (!rest.empty() && rest.front() != ':')
            fail("expected ':' and a port after the IPv6 address");
        port = rest.empty() ? std::string_view{} : rest.substr(1);
        if (!rest.empty() && port.empty())
            fail("port must be a number from 1 to 65535");
        return;
    }
    const auto colon = authority.find(':');
    if (colon != std::string_view::npos && authority.find(':', colon + 1) != std::string_view::npos)
        fail("an IPv6 address must be written in brackets, like [::1]");
    const auto name = authority.substr(0, colon);
    if (name.empty())
        fail("URL has no host");
    if (!std::all_of(name.begin(), name.end(), is_host_char))
        fail("host may only contain letters, digits, '-', '.' and '_'");
    host = name;
    port = colon == std::string_view::npos ? std::string_view{} : authority.substr(colon + 1);
    if (colon != std::string_view::npos && port.empty())
        fail("port must be a number from 1 to 65535");
}

} // namespace

url_parts parse_url(std::string_view text, url_kind kind) {
    const auto separator = text.find("://");
    if (separator == std::string_view::npos || separator == 0)
        fail(kind == url_kind::controller ? "expected a URL like ws://host[:port][/path]"
                                          : "expected a URL like mqtt://host[:port]");
    url_parts url;
    url.scheme = lower(text.substr(0, separator));
    const auto& scheme = find_scheme(url.scheme, kind);
    url.secure = scheme.secure;

    const auto rest = text.substr(separator + 3);
    const auto authority_end = rest.find_first_of("/?#");
    const auto authority = rest.substr(0, authority_end);
    std::string_view port;
    split_authority(authority, url.host, port);
    url.port = port.empty() ? scheme.default_port : parse_port(port);

    auto path =
        authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
    if (path.find('#') != std::string_view::npos)
        fail("URL must not have a fragment ('#')");
    if (std::any_of(path.begin(), path.end(),
                    [](unsigned char c) { return c <= ' ' || c == 0x7f; }))
        fail("URL path must not contain spaces or control characters");
    if (kind == url_kind::broker) {
        if (!path.empty() && path != "/")
            fail("an MQTT URL has no path");
        return url;
    }
    if (!path.empty() && path.front() == '?')
        url.path = "/query" + std::string(path);
    else if (path.empty() || path == "/")
        url.path = "/query"; // the controller serves its WebSocket there and nowhere else
    else
        url.path = path;
    return url;
}

std::string host_for_url(std::string_view host) {
    if (host.find(':') == std::string_view::npos)
        return std::string(host);
    // Appended piece by piece: GCC 12 at -O3 warns falsely (-Wrestrict) about "[" + string.
    std::string bracketed;
    bracketed.reserve(host.size() + 2);
    bracketed += '[';
    bracketed += host;
    bracketed += ']';
    return bracketed;
}

std::string host_and_port(std::string_view host, std::uint16_t port) {
    auto out = host_for_url(host);
    out += ':';
    out += std::to_string(port);
    return out;
}

} // namespace mg::config
