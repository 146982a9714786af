#pragma once
// The controller's channels and requests, as the WebSocket functions table lists them.

#include <array>
#include <string_view>

namespace mg::protocol {

// Channels the gateway maps to topics; the default subscription set.
inline constexpr std::array<std::string_view, 9> mapped_channels{
    "timeline", "scene",         "group",          "beacon",   "lua",
    "log",      "remote_device", "content_target", "io_module"};

// Channels a controller offers that the bridge passes through raw.
inline constexpr std::array<std::string_view, 2> raw_channels{"rdm_discovery", "rdm_get_set"};

inline constexpr std::array<std::string_view, 24> requests{"network_adapters",
                                                           "timeline",
                                                           "scene",
                                                           "group",
                                                           "content_target",
                                                           "remote_device",
                                                           "log",
                                                           "system",
                                                           "current_time",
                                                           "project",
                                                           "controller",
                                                           "text_slot",
                                                           "temperature",
                                                           "fan_speed",
                                                           "protocol",
                                                           "output",
                                                           "input",
                                                           "trigger",
                                                           "dali_interface",
                                                           "replication",
                                                           "config",
                                                           "playback_group",
                                                           "lua",
                                                           "io_module"};

bool is_channel(std::string_view name);
bool is_request(std::string_view name);

// Requests that mean nothing without a parameter: `output` needs its universe, `lua` the
// names of its variables. Every other request may be sent bare (`--probe` sends them all).
bool needs_parameters(std::string_view name);

// The functions table spells some names with a hyphen (`remote-device`); the underscore form
// is the one the controller subscribes with. Returns the canonical spelling.
std::string_view canonical_name(std::string_view name);

} // namespace mg::protocol
