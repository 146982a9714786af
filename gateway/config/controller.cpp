#include "gateway/config/duration.hpp"
#include "gateway/config/fingerprint.hpp"
#include "gateway/config/names.hpp"
#include "gateway/config/sections.hpp"
#include "gateway/config/url.hpp"

#include <array>
#include <limits>
#include <stdexcept>

namespace mg::config::detail {
namespace {

constexpr std::array<std::string_view, 14> controller_keys{"name",
                                                           "url",
                                                           "username",
                                                           "password",
                                                           "password_file",
                                                           "tls",
                                                           "keepalive",
                                                           "request_timeout",
                                                           "max_connections",
                                                           "reconnect",
                                                           "read_only",
                                                           "command_ttl",
                                                           "subscribe",
                                                           "poll"};
constexpr std::array<std::string_view, 3> tls_keys{"ca_file", "fingerprint_sha256", "verify"};
constexpr std::array<std::string_view, 2> reconnect_keys{"min", "max"};

std::string read_name(const reader& in, const field& f,
                      const std::vector<controller_settings>& earlier) {
    auto name = in.text(f);
    if (!is_identifier(name))
        in.fail(f, "must be a non-empty name of letters, digits, '_' and '-'");
    if (const auto reserved = reserved_controller_name(name); !reserved.empty())
        in.fail(f, "'" + name + "' is reserved for the gateway's own topics (<base_topic>/<site>/" +
                       std::string(reserved) + "/...); choose another name");
    for (std::size_t i = 0; i < earlier.size(); ++i) {
        if (earlier[i].name == name)
            in.fail(f, "duplicate controller name '" + name + "' (also controllers[" +
                           std::to_string(i) + "])");
    }
    return name;
}

void read_url(const reader& in, const field& f, controller_settings& out) {
    out.url = in.non_empty_text(f);
    try {
        const auto url = parse_url(out.url, url_kind::controller);
        out.secure = url.secure;
        out.host = url.host;
        out.port = url.port;
        out.path = url.path;
    } catch (const std::invalid_argument& e) {
        in.fail(f, e.what());
    }
}

controller_tls read_tls(const reader& in, const field& f) {
    const map_reader map(in, f, tls_keys);
    controller_tls out;
    if (const auto ca = map.get("ca_file"))
        out.ca_file = in.ca_file(*ca);
    if (const auto fingerprint = map.get("fingerprint_sha256")) {
        try {
            out.fingerprint_sha256 = normalize_fingerprint(in.text(*fingerprint));
        } catch (const std::invalid_argument& e) {
            in.fail(*fingerprint, e.what());
        }
    }
    if (const auto verify = map.get("verify"))
        out.verify = in.boolean(*verify);
    return out;
}

reconnect_settings read_reconnect(const reader& in, const field& f) {
    const map_reader map(in, f, reconnect_keys);
    reconnect_settings out;
    // Below this a controller that refuses connections would be hammered.
    constexpr duration floor = std::chrono::milliseconds(100);
    if (const auto min = map.get("min"))
        out.min = in.duration_at_least(*min, floor);
    const auto max = map.get("max");
    if (max)
        out.max = in.duration_at_least(*max, floor);
    if (out.max < out.min) {
        if (max)
            in.fail(*max, "must not be less than min (" + format_duration(out.min) + ")");
        in.fail(*map.get("min"),
                "must not be more than max (" + format_duration(out.max) + " unless given)");
    }
    return out;
}

} // namespace

controller_settings read_controller(const reader& in, const field& f,
                                    const std::vector<controller_settings>& earlier) {
    const map_reader map(in, f, controller_keys);
    controller_settings out;
    out.name = read_name(in, map.require("name"), earlier);
    read_url(in, map.require("url"), out);

    auto login = read_credentials(in, map, username_rule::password_required);
    out.username = std::move(login.username);
    out.password = std::move(login.password);

    if (const auto tls = map.get("tls")) {
        if (!out.secure)
            in.fail(map.key_mark("tls"), tls->path, "tls settings need a wss:// url");
        out.tls = read_tls(in, *tls);
    }
    if (const auto keepalive = map.get("keepalive"))
        out.keepalive = in.duration_at_least(*keepalive, std::chrono::seconds(1));
    if (const auto timeout = map.get("request_timeout"))
        out.request_timeout = in.duration_at_least(*timeout, std::chrono::milliseconds(100));
    if (const auto connections = map.get("max_connections")) {
        constexpr auto max = std::numeric_limits<int>::max();
        out.max_connections =
            static_cast<int>(in.integer(*connections, 1, max, "a whole number of at least 1"));
    }
    if (const auto reconnect = map.get("reconnect"))
        out.reconnect = read_reconnect(in, *reconnect);
    if (const auto read_only = map.get("read_only"))
        out.read_only = in.boolean(*read_only);
    if (const auto ttl = map.get("command_ttl"))
        out.command_ttl = in.duration_at_least(*ttl, std::chrono::milliseconds(100));
    const auto subscribe = map.get("subscribe");
    out.subscribe = subscribe ? read_subscribe(in, *subscribe) : default_subscribe();
    const auto poll = map.get("poll");
    out.poll = poll ? read_poll(in, *poll) : default_poll();
    return out;
}

} // namespace mg::config::detail
