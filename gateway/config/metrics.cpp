#include "gateway/config/sections.hpp"

#include <arpa/inet.h>
#include <array>
#include <charconv>

namespace mg::config::detail {
namespace {

constexpr std::array<std::string_view, 1> metrics_keys{"listen"};

bool is_ip_literal(const std::string& host) {
    unsigned char buffer[sizeof(in6_addr)];
    return inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
           inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

// `ADDRESS:PORT`, IPv6 in brackets: `127.0.0.1:9464`, `[::1]:9464`, `0.0.0.0:9464`.
metrics_settings read_listen(const reader& in, const field& f) {
    const auto text = in.non_empty_text(f);
    const auto colon = text.rfind(':');
    if (colon == std::string::npos)
        in.fail(f, "expected ADDRESS:PORT, like 127.0.0.1:9464");
    metrics_settings out;
    out.host = text.substr(0, colon);
    if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']')
        out.host = out.host.substr(1, out.host.size() - 2);
    else if (out.host.find(':') != std::string::npos)
        in.fail(f, "an IPv6 address must be written in brackets, like [::1]:9464");
    if (!is_ip_literal(out.host))
        in.fail(f, "expected an IP address before the port, like 127.0.0.1 or [::1]");
    const auto port = std::string_view(text).substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value < 1 ||
        value > 65535)
        in.fail(f, "port must be a number from 1 to 65535");
    out.port = static_cast<std::uint16_t>(value);
    return out;
}

} // namespace

metrics_settings read_metrics(const reader& in, const field& f) {
    const map_reader map(in, f, metrics_keys);
    return read_listen(in, map.require("listen"));
}

} // namespace mg::config::detail
