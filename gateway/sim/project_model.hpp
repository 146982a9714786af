#pragma once
// The show a simulated controller plays: its objects, their state, and the JSON a real controller
// sends for them (docs/protocol.md §4.5 and §5, quirks included).

#include "gateway/protocol/log_entry.hpp"
#include "gateway/sim/project_objects.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <rapidjson/document.h>
#include <string>
#include <string_view>
#include <vector>

namespace mg::sim {

class project_model {
public:
    project_model(std::string hardware, std::size_t index);

    // The `data` a request is answered with; nullopt means the controller stays silent (unknown
    // request, or a required parameter is missing).
    std::optional<std::string> reply_data(std::string_view name,
                                          const rapidjson::Value& message) const;
    // Replaces (or with nullopt restores) what a request is answered with.
    void set_reply_override(std::string name, std::optional<std::string> data_json);

    timeline_state* timeline(int num);
    scene_state* scene(int num);
    group_state* group(int num);
    std::vector<timeline_state>& timelines() { return timelines_; }
    std::vector<scene_state>& scenes() { return scenes_; }
    std::vector<group_state>& groups() { return groups_; }
    std::vector<content_target_state>& content_targets() { return content_targets_; }
    content_target_state* content_target(std::string_view name);
    std::vector<text_slot_state>& text_slots() { return text_slots_; }
    // Whether the hardware has content targets (Atlas, Atlas Pro) rather than group masters.
    bool has_content_targets() const;
    const std::string& hardware() const { return hardware_; }
    std::vector<remote_device_state>& remote_devices() { return remote_devices_; }
    std::vector<io_instance>& io_instances() { return io_instances_; }
    std::map<std::string, std::string>& lua_variables() { return lua_; } // name -> JSON value
    bool& beacon() { return beacon_; }
    void append_log(protocol::log_entry entry);

    // One frame per channel, in the envelope that channel really uses (quirk 1).
    std::string timeline_frame(const timeline_state& t,
                               std::optional<std::int64_t> sent_ns = {}) const;
    std::string scene_frame(const scene_state& s) const;
    std::string group_frame(const group_state& g, std::optional<std::int64_t> sent_ns = {}) const;
    std::string content_targets_frame() const;
    std::string remote_devices_frame() const;
    std::string io_modules_frame() const;
    std::string beacon_frame() const;
    std::string lua_frame(const std::string& name) const;
    std::string log_frame(const protocol::log_entry& entry) const;

private:
    std::vector<int> group_levels() const;

    std::string hardware_;
    std::size_t index_;
    std::vector<timeline_state> timelines_;
    std::vector<scene_state> scenes_;
    std::vector<group_state> groups_;
    std::vector<content_target_state> content_targets_;
    std::vector<text_slot_state> text_slots_;
    std::vector<remote_device_state> remote_devices_;
    std::vector<io_instance> io_instances_;
    std::map<std::string, std::string> lua_;
    bool beacon_ = false;
    std::vector<protocol::log_entry> log_;
    std::map<std::string, std::string, std::less<>> overrides_;
};

} // namespace mg::sim
