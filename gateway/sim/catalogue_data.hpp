#pragma once
// Reply data for the requests whose answers do not follow the show's state (docs/protocol.md §5).

#include "gateway/sim/num_filter.hpp"
#include "gateway/sim/project_objects.hpp"

#include <cstddef>
#include <optional>
#include <rapidjson/document.h>
#include <string>
#include <string_view>
#include <vector>

namespace mg::sim {

// network_adapters, system, project, controller, temperature, fan_speed, protocol, input,
// dali_interface, replication and config; nullopt for any other name.
std::optional<std::string> fixed_reply_data(std::string_view name, std::string_view hardware,
                                            std::size_t index);

std::string current_time_data();

// 512 channel strings; on dmx:1 the first 24 channels follow the three groups' levels so a
// group change shows up in the output too.
std::string output_data(std::string_view universe, const std::vector<int>& group_levels);

// `names`: a comma-joined string or an array of strings (both forms are seen).
std::string text_slot_data(const rapidjson::Value& message,
                           const std::vector<text_slot_state>& slots);

// `type`: a trigger type such as "Startup".
std::string trigger_data(const rapidjson::Value& message);
// Whether the project has a trigger with this user number.
bool trigger_exists(int num);

std::string playback_group_data(const num_filter& filter);

} // namespace mg::sim
