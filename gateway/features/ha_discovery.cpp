#include "gateway/features/ha_discovery.hpp"

#include "gateway/features/json.hpp"
#include "gateway/protocol/json_access.hpp"
#include "gateway/protocol/json_limits.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>

namespace mg::features {
namespace {

constexpr std::uint64_t tag_text_slot = ha_discovery::own_tag | 1;
constexpr std::uint64_t tag_trigger = ha_discovery::own_tag | 2;
constexpr std::uint64_t tag_objects = ha_discovery::own_tag | 3;

const rapidjson::Value* member(const rapidjson::Value& object, const char* full,
                               const char* abbreviated) {
    // Home Assistant accepts either spelling of a key.
    const auto* value = protocol::member(object, full);
    return value ? value : protocol::member(object, abbreviated);
}

} // namespace

ha_discovery::ha_discovery(mqtt::sink& sink, ha::discovery_site site, std::string status_topic,
                           boost::asio::any_io_executor loop, timing t)
    : sink_(sink), site_(std::move(site)), status_topic_(std::move(status_topic)), timing_(t),
      birth_timer_(loop), removal_timer_(loop), random_(t.seed) {}

void ha_discovery::start() {
    running_ = true;
    sink_.publish_state(ha::config_topic(site_.prefix, ha::gateway_identifier(site_.site)),
                        ha::gateway_config(site_));
    sink_.subscribe(status_topic_, [this](const mqtt::inbound_message& m) { on_status(m); });
    sink_.subscribe(site_.prefix + "/device/+/config",
                    [this](const mqtt::inbound_message& m) { on_config_seen(m); });
}

void ha_discovery::stop() {
    // Nothing is cleared: an empty config would delete the user's entity settings in Home
    // Assistant. The availability topics say the gateway is gone.
    running_ = false;
    birth_timer_.cancel();
    removal_timer_.cancel();
}

void ha_discovery::on_controller_added(session::controller& c, const controller_context& context) {
    auto& d = devices_[c.name()];
    d = device{};
    d.model.name = c.name();
    d.model.configuration_url = context.web_url;
    d.model.read_only = context.read_only;
    d.model.beacon = context.subscribed("beacon");
    d.model.log = context.subscribed("log");
}

void ha_discovery::on_controller_removed(session::controller& c) {
    if (const auto it = devices_.find(c.name()); it != devices_.end())
        devices_.erase(it);
    removals_pending_.erase(c.name());
}

void ha_discovery::on_controller_gone(const std::string& name) {
    const auto it = serials_.find(name);
    if (it == serials_.end())
        return;
    spdlog::info("homeassistant: {} left the site, its device is removed", it->first);
    clear_serial(it->second);
    serials_.erase(it);
}

void ha_discovery::on_broker_connected() {
    if (running_)
        announce_all(true);
}

void ha_discovery::on_event(session::controller& c, const protocol::link_event& event) {
    const auto it = devices_.find(c.name());
    if (it == devices_.end())
        return;
    if (const auto* reply = std::get_if<protocol::request_reply>(&event)) {
        on_reply(c, it->second, *reply);
    } else if (const auto* change = std::get_if<protocol::state_changed>(&event)) {
        // Text slots and triggers are not polled by default, and can change while the
        // controller is away: ask each time it comes back.
        if (change->state == protocol::link_state::live)
            request_objects(c, false);
    }
}

void ha_discovery::request_objects(session::controller& c, bool project_objects) {
    c.request("text_slot", "", tag_text_slot);
    c.request("trigger", "", tag_trigger);
    if (project_objects) {
        for (const auto* kind : {"timeline", "scene", "group"})
            c.request(kind, "", tag_objects);
    }
}

void ha_discovery::on_reply(session::controller& c, device& d,
                            const protocol::request_reply& reply) {
    if (reply.request == "project") {
        // A new upload may add or remove any object: read them all again.
        auto text = to_json(reply.data);
        const bool changed = !d.last_project.empty() && d.last_project != text;
        d.last_project = std::move(text);
        if (changed)
            request_objects(c, true);
        return;
    }
    // Polls and this feature's own requests list every object of their kind; somebody's
    // /get may have filtered, so it can only add. A poll with its own topic may carry
    // parameters too.
    const bool own = reply.tag == 0 || (reply.tag & own_tag) != 0;
    const auto scope =
        own && reply.topic == reply.request ? ha::reply_scope::whole : ha::reply_scope::partial;
    if (!ha::apply_reply(d.model, reply.request, reply.data, scope))
        return;
    if (reply.request == "system") {
        auto& known = serials_[d.model.name];
        if (!known.empty() && known != d.model.serial) {
            spdlog::info("homeassistant: {} now has serial {}, the device of {} is removed",
                         d.model.name, d.model.serial, known);
            clear_serial(known);
        }
        known = d.model.serial;
    }
    announce(d, false);
}

void ha_discovery::announce_all(bool always) {
    sink_.publish_state(ha::config_topic(site_.prefix, ha::gateway_identifier(site_.site)),
                        ha::gateway_config(site_), always);
    for (auto& [name, d] : devices_)
        announce(d, always);
}

void ha_discovery::announce(device& d, bool always) {
    if (d.model.serial.empty())
        return; // not known until its `system` reply
    const auto topic = ha::config_topic(site_.prefix, ha::controller_identifier(d.model.serial));
    auto components = ha::components_of(d.model);
    std::vector<ha::component_ref> removed;
    for (const auto& old : d.announced) {
        const bool kept = std::any_of(components.begin(), components.end(),
                                      [&](const auto& c) { return c.key == old.key; });
        if (!kept)
            removed.push_back(old);
    }
    d.announced = std::move(components);
    sink_.publish_state(topic, ha::controller_config(site_, d.model, removed), always);
    if (removed.empty())
        return;
    // Home Assistant deletes a component on {"platform": ...}; the payload without it follows
    // once that has gone out, so both are not coalesced into one retained message.
    removals_pending_.insert(d.model.name);
    removal_timer_.expires_after(timing_.removal_gap);
    removal_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || !running_)
            return;
        for (const auto& name : std::exchange(removals_pending_, {})) {
            const auto it = devices_.find(name);
            if (it == devices_.end() || it->second.model.serial.empty())
                continue;
            const auto& m = it->second.model;
            sink_.publish_state(ha::config_topic(site_.prefix, ha::controller_identifier(m.serial)),
                                ha::controller_config(site_, m));
        }
    });
}

void ha_discovery::on_status(const mqtt::inbound_message& message) {
    // Anyone may publish here; the payload is only compared, never parsed.
    if (message.payload != "online" || !running_)
        return;
    std::uniform_int_distribution<std::int64_t> pick(timing_.birth_min.count(),
                                                     timing_.birth_max.count());
    const auto wait = std::chrono::milliseconds(pick(random_));
    spdlog::debug("homeassistant: online on {}, announcing in {} ms", status_topic_, wait.count());
    birth_timer_.expires_after(wait);
    birth_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec && running_)
            announce_all(true);
    });
}

void ha_discovery::on_config_seen(const mqtt::inbound_message& message) {
    // Only retained configs matter: they are what Home Assistant reads when it starts. An empty
    // one is already cleared.
    if (!message.retained || message.payload.empty() || !running_)
        return;
    // Any program may write under the prefix, and a retained config comes back on every
    // connect: size first, then a parse that neither recurses nor accepts deep nesting.
    if (message.payload.size() > protocol::max_discovery_bytes) {
        spdlog::warn("homeassistant: ignoring {}: larger than {} bytes", message.topic,
                     protocol::max_discovery_bytes);
        return;
    }
    rapidjson::Document doc;
    if (!protocol::parse_bounded(doc, message.payload, protocol::max_payload_depth)) {
        if (!protocol::nesting_within(message.payload, protocol::max_payload_depth))
            spdlog::warn("homeassistant: ignoring {}: JSON nested deeper than {} levels",
                         message.topic, protocol::max_payload_depth);
        return;
    }
    const auto* dev = member(doc, "device", "dev");
    const auto* via = dev ? member(*dev, "via_device", "via_dev") : nullptr;
    const auto* name = dev ? member(*dev, "name", "name") : nullptr;
    if (!via || !via->IsString() || string_view_of(*via) != ha::gateway_identifier(site_.site))
        return; // not ours: another site's gateway, or another program's device
    const auto device_name = name ? string_view_of(*name) : std::string_view();
    if (devices_.find(device_name) != devices_.end())
        return; // a controller of the site file
    spdlog::info("homeassistant: clearing {}: device {} is no controller of this site",
                 message.topic, device_name);
    sink_.publish_state(message.topic, "", true);
}

void ha_discovery::clear_serial(const std::string& serial) {
    sink_.publish_state(ha::config_topic(site_.prefix, ha::controller_identifier(serial)), "",
                        true);
}

} // namespace mg::features
