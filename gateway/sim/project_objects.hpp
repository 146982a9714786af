#pragma once
// The objects of a simulated show and their JSON as request replies carry it (docs/protocol.md §5).

#include "gateway/protocol/log_entry.hpp"
#include "gateway/sim/num_filter.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mg::sim {

struct timeline_state {
    int num = 0;
    std::string name;
    std::string group;
    int group_num = 0;
    int length = 60'000;
    double rate = 1.0; // playback rate, 1.0 = normal; set over HTTP, never reported
    std::string state = "none"; // none, running, paused, holding_at_end, released
    bool onstage = false;
    int position = 0;
};

struct scene_state {
    int num = 0;
    std::string name;
    std::string group;
    int group_num = 0;
    std::string state = "none"; // none, started, released
    bool onstage = false;
};

struct group_state {
    int num = 0; // 0 is All Fixtures, whose objects carry no `num` (quirk 19)
    std::string name;
    int level = 100;
};

struct content_target_state {
    std::string name;
    int level = 100;
};

struct text_slot_state {
    std::string name;
    std::string value;
};

struct remote_device_state {
    int num = 0;
    std::string name;
    std::string type;
    bool online = false;
    std::string serial;
    std::vector<bool> outputs;
    std::vector<int> analog_inputs;
};

struct io_status {
    std::string key;
    std::string label;
    std::optional<std::string> value;
};

struct io_instance {
    int id = 0;
    int module_id = 0;
    std::string name;
    std::vector<io_status> status;
};

// Each returns the text of a request reply's `data` object.
std::string timelines_json(const std::vector<timeline_state>& timelines, const num_filter& filter);
std::string scenes_json(const std::vector<scene_state>& scenes, const num_filter& filter);
std::string groups_json(const std::vector<group_state>& groups, const num_filter& filter);
std::string content_targets_json(const std::vector<content_target_state>& targets);
std::string remote_devices_json(const std::vector<remote_device_state>& devices);
std::string io_modules_json(const std::vector<io_instance>& instances);
// `variables`: the request's comma list; absent means every variable. Values are JSON text.
std::string lua_json(const std::map<std::string, std::string>& variables,
                     std::optional<std::string_view> selected);
std::string log_json(const std::vector<protocol::log_entry>& entries);

} // namespace mg::sim
