#pragma once
// The command line of mosaic-gateway (README "Command line").

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mg::service {

struct command_line {
    enum class mode { run, check, version, help } action = mode::run;
    std::string config_path;
    std::optional<std::string> log_level;
};

struct usage_error {
    std::string message;
};

// Either the parsed command line or what is wrong with it.
std::variant<command_line, usage_error> parse_command_line(const std::vector<std::string>& args);

std::string usage_text();

bool is_log_level(const std::string& level);

} // namespace mg::service
