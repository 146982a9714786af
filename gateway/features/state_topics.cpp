#include "gateway/features/state_topics.hpp"

#include "gateway/features/json.hpp"
#include "gateway/features/log_payload.hpp"
#include "gateway/mqtt/topics.hpp"
#include "gateway/protocol/json_access.hpp"
#include "gateway/protocol/log_entry.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <spdlog/spdlog.h>

namespace mg::features {
namespace {

// The list member of a request reply that holds one kind's objects (docs/protocol.md §5.2).
struct object_list {
    std::string_view kind;
    const char* member;
};
constexpr std::array<object_list, 5> object_lists{{{"timeline", "timelines"},
                                                   {"scene", "scenes"},
                                                   {"group", "groups"},
                                                   {"content_target", "content_targets"},
                                                   {"remote_device", "remote_devices"}}};

using protocol::member;

bool one_of(std::string_view value, std::initializer_list<std::string_view> allowed) {
    return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

// Broadcast states are checked per channel: the docs once showed a scene message on the
// timeline page (docs/protocol.md §5.4), and such a message must not corrupt a timeline.
bool valid_state(std::string_view kind, const rapidjson::Value& item) {
    const auto* state = member(item, "state");
    if (!state)
        return true;
    const auto value = string_view_of(*state);
    if (kind == "timeline")
        return one_of(value, {"none", "running", "paused", "holding_at_end", "released"});
    if (kind == "scene")
        return one_of(value, {"none", "started", "released"});
    return true;
}

// The identity of an object within its kind, as a topic level; empty when it has none.
std::string object_key(std::string_view kind, const rapidjson::Value& item) {
    if (kind == "content_target") {
        const auto* name = member(item, "name");
        return name && name->IsString() ? mqtt::sanitize_segment(string_view_of(*name)) : "";
    }
    const auto* num = member(item, "num");
    if (num && num->IsInt64())
        return std::to_string(num->GetInt64());
    // The All Fixtures group carries no number (docs/protocol.md §5.3).
    if (!num && kind == "group")
        return "0";
    return {};
}

} // namespace

void state_topics::on_controller_removed(session::controller& c) {
    const auto prefix = topics_.controller(c.name()) + "/";
    state_.forget(prefix);
    group_scales_.erase(c.name());
    std::erase_if(listed_, [&](const auto& entry) { return entry.first.starts_with(prefix); });
}

void state_topics::on_event(session::controller& c, const protocol::link_event& event) {
    if (const auto* m = std::get_if<protocol::channel_message>(&event))
        on_channel(c.name(), m->channel, m->data);
    else if (const auto* r = std::get_if<protocol::request_reply>(&event))
        on_reply(c.name(), *r);
    else if (const auto* f = std::get_if<protocol::frame_rejected>(&event))
        reject(c.name(), f->error);
}

void state_topics::on_channel(const std::string& controller, std::string_view channel,
                              const rapidjson::Value& data) {
    if (channel == "timeline" || channel == "scene" || channel == "group") {
        object(controller, channel, data);
    } else if (channel == "content_target") {
        objects(controller, channel,
                member(data, "content_targets") ? *member(data, "content_targets") : data);
    } else if (channel == "remote_device") {
        // The list form is documented, one object per change is older (docs/protocol.md §5.5).
        const auto* list = member(data, "remote_devices");
        objects(controller, channel, list ? *list : data);
    } else if (channel == "io_module") {
        io_modules(controller, data);
    } else if (channel == "beacon") {
        sink_.publish_state(topics_.controller(controller, "beacon"), to_json(data));
    } else if (channel == "lua") {
        lua_values(controller, data);
    } else if (channel == "log") {
        log_entries(controller, data, false);
    } else {
        sink_.publish_event(topics_.controller(controller, mqtt::sanitize_segment(channel)),
                            to_json(data));
    }
}

void state_topics::on_reply(const std::string& controller, const protocol::request_reply& reply) {
    if (reply.request == "log")
        return log_entries(controller, reply.data, true);
    // An explicit get is answered even when nothing changed: somebody asked.
    sink_.publish_state(topics_.controller(controller, reply.topic), to_json(reply.data),
                        reply.tag != 0);
    for (const auto& list : object_lists) {
        if (reply.request == list.kind) {
            if (const auto* items = member(reply.data, list.member))
                objects(controller, list.kind, *items, reply.unfiltered);
            return;
        }
    }
    if (reply.request == "io_module")
        io_modules(controller, reply.data, reply.unfiltered);
    else if (reply.request == "lua")
        lua_values(controller, reply.data);
}

void state_topics::objects(const std::string& controller, std::string_view kind,
                           const rapidjson::Value& list, bool whole) {
    if (!list.IsArray())
        return object(controller, kind, list);
    std::set<std::string, std::less<>> present;
    for (const auto& item : list.GetArray()) {
        // An object refused below (an unknown state, say) still exists on the controller.
        if (whole && item.IsObject())
            present.insert(object_key(kind, item));
        object(controller, kind, item);
    }
    if (whole)
        clear_missing(controller, kind, present);
}

void state_topics::object(const std::string& controller, std::string_view kind,
                          const rapidjson::Value& item) {
    if (!item.IsObject())
        return reject(controller, std::string(kind) + " object is not a JSON object");
    const auto key = object_key(kind, item);
    if (key.empty())
        return reject(controller, std::string(kind) + " object without identity");
    if (!valid_state(kind, item))
        return reject(controller, std::string(kind) + " object with an unknown state");
    if (kind == "group") {
        if (const auto* level = member(item, "level")) {
            const auto percent = group_scales_[controller].percent(*level);
            if (percent && *percent != level->GetDouble()) {
                rapidjson::Document scaled;
                scaled.CopyFrom(item, scaled.GetAllocator());
                auto& value = scaled["level"];
                if (*percent == std::floor(*percent))
                    value.SetInt64(static_cast<std::int64_t>(*percent));
                else
                    value.SetDouble(*percent);
                return publish_object(controller, kind, key, scaled);
            }
        }
    }
    publish_object(controller, kind, key, item);
}

void state_topics::publish_object(const std::string& controller, std::string_view kind,
                                  std::string_view key, const rapidjson::Value& item,
                                  std::string_view extra_key, std::string_view extra_value) {
    const auto& topic = object_topic(controller, kind, key);
    const auto known = state_.size();
    const auto payload = state_.merge(topic, item, extra_key, extra_value);
    if (state_.size() != known)
        listed_[topics_.controller(controller, kind) + "/"].emplace(key);
    sink_.publish_state(topic, payload);
}

void state_topics::clear_missing(const std::string& controller, std::string_view kind,
                                 const std::set<std::string, std::less<>>& present) {
    const auto list = listed_.find(topics_.controller(controller, kind) + "/");
    if (list == listed_.end())
        return;
    auto& keys = list->second;
    for (auto key = keys.begin(); key != keys.end();) {
        // The All Fixtures group always exists, and a controller may leave it out of the list
        // (it is asked for with num 0): clearing it would only make it flap.
        if (present.count(*key) || (kind == "group" && *key == "0")) {
            ++key;
            continue;
        }
        const auto& topic = object_topic(controller, kind, *key);
        spdlog::info("{}: {} {} is no longer on the controller; clearing {}", controller, kind,
                     *key, topic);
        state_.erase(topic);
        sink_.publish_state(topic, {});
        key = keys.erase(key);
    }
}

// Built in one reused buffer: this runs for every broadcast, the hot path of the bridge.
const std::string& state_topics::object_topic(const std::string& controller, std::string_view kind,
                                              std::string_view key) {
    topic_.assign(topics_.root())
        .append(1, '/')
        .append(controller)
        .append(1, '/')
        .append(kind)
        .append(1, '/')
        .append(key);
    return topic_;
}

void state_topics::io_modules(const std::string& controller, const rapidjson::Value& data,
                              bool whole) {
    const auto* instances = member(data, "instances");
    if (!instances || !instances->IsArray())
        return reject(controller, "io_module message without instances");
    const auto* modules = member(data, "modules");
    std::set<std::string, std::less<>> present;
    for (const auto& instance : instances->GetArray()) {
        const auto* id = member(instance, "id");
        if (!id || !id->IsInt64()) {
            reject(controller, "io_module instance without id");
            continue;
        }
        const auto key = std::to_string(id->GetInt64());
        present.insert(key);
        std::string_view module_name;
        const auto* module_id = member(instance, "module_id");
        if (modules && modules->IsArray() && module_id) {
            for (const auto& module : modules->GetArray()) {
                const auto* mid = member(module, "id");
                const auto* name = member(module, "name");
                if (mid && name && *mid == *module_id)
                    module_name = string_view_of(*name);
            }
        }
        publish_object(controller, "io_module", key, instance, module_name.empty() ? "" : "module",
                       module_name);
    }
    if (whole)
        clear_missing(controller, "io_module", present);
}

void state_topics::lua_values(const std::string& controller, const rapidjson::Value& data) {
    if (!data.IsObject())
        return reject(controller, "lua message is not an object");
    // The value's type varies between firmware (docs/protocol.md §5.6): publish it as it came.
    for (const auto& value : data.GetObject()) {
        const auto key = mqtt::sanitize_segment(string_view_of(value.name));
        sink_.publish_state(topics_.controller(controller, "lua/" + key), to_json(value.value));
    }
}

void state_topics::log_entries(const std::string& controller, const rapidjson::Value& data,
                               bool history) {
    const auto* packed = member(data, "log");
    if (!packed || !packed->IsString())
        return reject(controller, "log message without a log string");
    std::size_t malformed = 0;
    const auto entries = protocol::parse_log(string_view_of(*packed), &malformed);
    if (malformed)
        reject(controller, std::to_string(malformed) + " malformed log entries");
    if (history) {
        sink_.publish_event(topics_.controller(controller, "log/history"),
                            log_history_json(entries));
        return;
    }
    const auto topic = topics_.controller(controller, "log");
    for (const auto& entry : entries)
        sink_.publish_event(topic, log_entry_json(entry));
}

void state_topics::reject(const std::string& controller, std::string_view what) {
    ++rejected_;
    spdlog::debug("{}: ignored: {}", controller, what);
}

} // namespace mg::features
