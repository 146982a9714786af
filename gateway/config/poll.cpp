#include "gateway/config/duration.hpp"
#include "gateway/config/names.hpp"
#include "gateway/config/sections.hpp"
#include "gateway/config/suggest.hpp"
#include "gateway/protocol/catalogue.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace mg::config::detail {
namespace {

namespace protocol = mg::protocol;

constexpr std::array<std::string_view, 4> poll_keys{"request", "every", "params", "topic"};
constexpr std::string_view on_connect = "on_connect";

// Topics below a controller that the gateway itself owns (README "MQTT topics").
constexpr std::array<std::string_view, 3> reserved_topics{"status", "connection", "error"};

std::vector<std::string_view> channel_names() {
    std::vector<std::string_view> names(protocol::mapped_channels.begin(),
                                        protocol::mapped_channels.end());
    names.insert(names.end(), protocol::raw_channels.begin(), protocol::raw_channels.end());
    return names;
}

std::string read_request(const reader& in, const field& f) {
    if (!f.node.IsScalar())
        in.fail(f, "expected a request name, found " + describe(f.node));
    const auto name = in.text(f);
    if (!protocol::is_request(name))
        in.fail(f, "unknown request '" + name + "'" + did_you_mean(name, protocol::requests));
    return std::string(protocol::canonical_name(name));
}

std::optional<duration> read_every(const reader& in, const field& f) {
    if (!f.node.IsScalar())
        in.fail(f, "expected on_connect or a duration like 10s, 5m, 1h, found " + describe(f.node));
    const auto text = in.text(f);
    if (text == on_connect)
        return std::nullopt;
    duration every{};
    try {
        every = parse_duration(text);
    } catch (const std::invalid_argument&) {
        const std::array<std::string_view, 1> choices{on_connect};
        in.fail(f, "expected on_connect or a duration like 10s, 5m, 1h, found '" + text + "'" +
                       did_you_mean(text, choices));
    }
    // Polling faster than this loads a controller for no visible gain.
    if (every < std::chrono::seconds(1))
        in.fail(f, "must be at least 1s");
    return every;
}

std::string read_topic(const reader& in, const field& f) {
    auto topic = in.text(f);
    try {
        check_topic_suffix(topic);
    } catch (const std::invalid_argument& e) {
        in.fail(f, e.what());
    }
    if (std::find(reserved_topics.begin(), reserved_topics.end(), topic) != reserved_topics.end())
        in.fail(f, "'" + topic + "' is a topic the gateway publishes itself");
    // The gateway subscribes to `<request>/get` for on-demand requests; publishing there would
    // feed its own replies back to it.
    if (topic == "get" || topic.ends_with("/get"))
        in.fail(f, "must not end in 'get', which the gateway listens on for requests");
    return topic;
}

} // namespace

std::vector<std::string> read_subscribe(const reader& in, const field& f) {
    const auto names = channel_names();
    std::vector<std::string> out;
    for (const auto& item : in.items(f, "a list of channel names ([] for none)")) {
        if (!item.node.IsScalar())
            in.fail(item, "expected a channel name, found " + describe(item.node));
        const auto name = in.text(item);
        if (!protocol::is_channel(name))
            in.fail(item, "unknown channel '" + name + "'" + did_you_mean(name, names));
        std::string canonical(protocol::canonical_name(name));
        if (std::find(out.begin(), out.end(), canonical) != out.end())
            in.fail(item, "channel '" + canonical + "' is listed twice");
        out.push_back(std::move(canonical));
    }
    return out;
}

std::vector<poll_entry> read_poll(const reader& in, const field& f) {
    std::vector<poll_entry> out;
    for (const auto& item : in.items(f, "a list of polls ([] for none)")) {
        const map_reader map(in, item, poll_keys);
        poll_entry entry;
        entry.request = read_request(in, map.require("request"));
        entry.every = read_every(in, map.require("every"));
        if (const auto params = map.get("params"))
            entry.params_json = read_params(in, *params);
        const auto topic = map.get("topic");
        entry.topic = topic ? read_topic(in, *topic) : entry.request;

        const auto same = std::find_if(out.begin(), out.end(),
                                       [&](const poll_entry& p) { return p.topic == entry.topic; });
        if (same != out.end()) {
            const auto where = item_path(f.path, static_cast<std::size_t>(same - out.begin()));
            in.fail(topic ? *topic : item, "topic '" + entry.topic + "' is already used by " +
                                               where + "; give each poll its own topic");
        }
        out.push_back(std::move(entry));
    }
    return out;
}

std::vector<std::string> default_subscribe() {
    return {protocol::mapped_channels.begin(), protocol::mapped_channels.end()};
}

std::vector<poll_entry> default_poll() {
    std::vector<poll_entry> out;
    for (const auto* request : {"system", "project", "controller", "timeline", "scene", "group"})
        out.push_back({request, std::nullopt, "", request});
    out.push_back({"temperature", std::chrono::seconds(60), "", "temperature"});
    return out;
}

} // namespace mg::config::detail
