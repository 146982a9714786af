#pragma once
// Controller data to retained state topics: per-object merged state for timelines, scenes, groups,
// content targets, remote devices and IO modules; beacon, Lua values, log entries, request replies,
// and raw pass-through for channels the bridge does not know (README "MQTT topics").

#include "gateway/features/feature.hpp"
#include "gateway/features/group_level.hpp"
#include "gateway/features/object_state.hpp"
#include "gateway/features/topic_scheme.hpp"
#include "gateway/mqtt/sink.hpp"

#include <cstdint>
#include <set>
#include <string>
#include <unordered_map>

namespace mg::features {

class state_topics final : public feature {
public:
    state_topics(mqtt::sink& sink, const topic_scheme& topics) : sink_(sink), topics_(topics) {}

    void on_controller_removed(session::controller& c) override;
    void on_event(session::controller& c, const protocol::link_event& event) override;

    // Messages the bridge could not use: invalid frames and objects of unknown shape.
    std::uint64_t rejected() const { return rejected_; }

private:
    void on_channel(const std::string& controller, std::string_view channel,
                    const rapidjson::Value& data);
    void on_reply(const std::string& controller, const protocol::request_reply& reply);
    // Publishes the objects of one list (or a single object) under C/<kind>/<key>. `whole`: the
    // list is the controller's complete one, so objects published before and missing from it
    // are gone, and their topics are cleared.
    void objects(const std::string& controller, std::string_view kind,
                 const rapidjson::Value& list, bool whole = false);
    void object(const std::string& controller, std::string_view kind, const rapidjson::Value& item);
    void io_modules(const std::string& controller, const rapidjson::Value& data,
                    bool whole = false);
    // Publishes merged state to an object topic and remembers the key the first time.
    void publish_object(const std::string& controller, std::string_view kind,
                        std::string_view key, const rapidjson::Value& item,
                        std::string_view extra_key = {}, std::string_view extra_value = {});
    // Clears the topics of this kind's objects whose keys are not in `present`.
    void clear_missing(const std::string& controller, std::string_view kind,
                       const std::set<std::string, std::less<>>& present);
    void lua_values(const std::string& controller, const rapidjson::Value& data);
    void log_entries(const std::string& controller, const rapidjson::Value& data, bool history);
    void reject(const std::string& controller, std::string_view what);
    const std::string& object_topic(const std::string& controller, std::string_view kind,
                                    std::string_view key);

    mqtt::sink& sink_;
    const topic_scheme& topics_;
    object_state state_;
    // Keys of the objects published so far, per list: C/<kind>/ -> keys.
    std::unordered_map<std::string, std::set<std::string, std::less<>>> listed_;
    // The scale each controller reports group levels on, learnt from its levels.
    std::unordered_map<std::string, group_level_scale> group_scales_;
    std::string topic_;
    std::uint64_t rejected_ = 0;
};

} // namespace mg::features
