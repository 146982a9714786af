#pragma once
// The command line of mosaic-gateway (README "Command line").

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mg::service {

struct command_line {
    enum class mode { run, check, probe, version, help } action = mode::run;
    std::string config_path;
    std::optional<std::string> log_level;
    std::string probe;        // --probe NAME: the controller to try
    bool probe_json = false;  // --json
    std::chrono::milliseconds probe_time{5000};
    std::string capture_path; // --capture FILE; empty: no capture
    std::uint64_t capture_max = 64ull * 1024 * 1024;
};

struct usage_error {
    std::string message;
};

// Either the parsed command line or what is wrong with it.
std::variant<command_line, usage_error> parse_command_line(const std::vector<std::string>& args);

std::string usage_text();

bool is_log_level(const std::string& level);

} // namespace mg::service
