#include "gateway/config/names.hpp"
#include "gateway/config/sections.hpp"
#include "gateway/config/url.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>

namespace mg::config::detail {
namespace {

constexpr std::array<std::string_view, 10> mqtt_keys{
    "url",        "client_id", "username", "password", "password_file",
    "base_topic", "qos",       "protocol", "tls",      "buffer_messages"};
constexpr std::array<std::string_view, 4> tls_keys{"ca_file", "cert_file", "key_file", "verify"};

url_parts read_one_url(const reader& in, const field& f) {
    try {
        return parse_url(in.non_empty_text(f), url_kind::broker);
    } catch (const std::invalid_argument& e) {
        in.fail(f, e.what());
    }
}

// One URL, or a list of them for failover (README "Configuration"): one scheme for all, since the
// tls settings apply to every broker.
void read_url(const reader& in, const field& f, mqtt_settings& out) {
    std::vector<field> urls;
    if (f.node.IsSequence()) {
        urls = in.items(f, "a broker URL or a list of them");
        if (urls.empty())
            in.fail(f, "expected at least one broker URL");
    } else {
        urls.push_back(f);
    }
    out.brokers.clear();
    for (const auto& item : urls) {
        const auto url = read_one_url(in, item);
        if (out.brokers.empty()) {
            out.url = in.text(item);
            out.secure = url.secure;
            out.host = url.host;
            out.port = url.port;
        } else if (url.secure != out.secure) {
            in.fail(item, "every broker in the list must use the same scheme as the first");
        }
        const broker_address address{url.host, url.port};
        if (std::find(out.brokers.begin(), out.brokers.end(), address) != out.brokers.end())
            in.fail(item, "this broker is already in the list");
        out.brokers.push_back(address);
    }
}

int read_protocol(const reader& in, const field& f) {
    if (f.node.IsScalar()) {
        const auto value = in.text(f);
        if (value == "5")
            return 5;
        if (value == "3" || value == "3.1.1")
            return 3;
    }
    in.fail(f, "expected 5, or 3 for MQTT 3.1.1, found " + describe(f.node));
}

mqtt_tls read_tls(const reader& in, const field& f) {
    const map_reader map(in, f, tls_keys);
    mqtt_tls out;
    if (const auto ca = map.get("ca_file"))
        out.ca_file = in.ca_file(*ca);
    const auto cert = map.get("cert_file");
    const auto key = map.get("key_file");
    if (cert && !key)
        in.fail(map.key_mark("cert_file"), cert->path, "cert_file needs a key_file");
    if (key && !cert)
        in.fail(map.key_mark("key_file"), key->path, "key_file needs a cert_file");
    if (cert) {
        out.cert_file = in.file_path(*cert);
        out.key_file = in.file_path(*key);
        in.check_key_pair(*cert, *key);
    }
    if (const auto verify = map.get("verify"))
        out.verify = in.boolean(*verify);
    return out;
}

} // namespace

mqtt_settings read_mqtt(const reader& in, const field& f, const std::string& site) {
    const map_reader map(in, f, mqtt_keys);
    mqtt_settings out;
    out.client_id = "mosaic-gateway-" + site;
    if (const auto url = map.get("url"))
        read_url(in, *url, out);
    if (const auto client_id = map.get("client_id"))
        out.client_id = in.non_empty_text(*client_id);

    auto login = read_credentials(in, map, username_rule::password_optional);
    out.username = std::move(login.username);
    out.password = std::move(login.password);

    if (const auto base_topic = map.get("base_topic")) {
        out.base_topic = in.text(*base_topic);
        try {
            check_topic_prefix(out.base_topic);
        } catch (const std::invalid_argument& e) {
            in.fail(*base_topic, e.what());
        }
    }
    if (const auto qos = map.get("qos"))
        out.qos = static_cast<int>(in.integer(*qos, 0, 2, "0, 1 or 2"));
    if (const auto protocol = map.get("protocol"))
        out.protocol = read_protocol(in, *protocol);
    if (const auto tls = map.get("tls")) {
        if (!out.secure)
            in.fail(map.key_mark("tls"), tls->path, "tls settings need an mqtts:// url");
        out.tls = read_tls(in, *tls);
    }
    if (const auto buffer = map.get("buffer_messages")) {
        constexpr auto max = std::numeric_limits<std::int32_t>::max();
        out.buffer_messages = static_cast<std::size_t>(
            in.integer(*buffer, 1, max, "a whole number from 1 to " + std::to_string(max)));
    }
    return out;
}

} // namespace mg::config::detail
