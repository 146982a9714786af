#pragma once
// Changes the show makes on its own: the random tick and the benchmark flood.

#include "gateway/sim/project_model.hpp"

#include <cstdint>
#include <random>
#include <string>

namespace mg::sim {

struct change {
    std::string channel; // who receives it: clients subscribed to this channel
    std::string frame;
};

// Changes one random object (timeline, scene, group, content target, remote device, IO module,
// beacon, Lua variable, or a new log entry) and returns the frame announcing it.
change random_change(project_model& model, std::mt19937_64& rng);

// The flood's message number `sequence`: even numbers move a group level, odd ones a timeline
// position; the data carries `sent_ns` so a benchmark can measure latency.
change flood_change(project_model& model, std::uint64_t sequence, std::int64_t sent_ns);

} // namespace mg::sim
