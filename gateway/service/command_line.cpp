#include "gateway/service/command_line.hpp"

#include <array>

namespace mg::service {

bool is_log_level(const std::string& level) {
    static constexpr std::array<std::string_view, 5> levels{"trace", "debug", "info", "warn",
                                                            "error"};
    for (const auto l : levels) {
        if (l == level)
            return true;
    }
    return false;
}

// docs/mosaic-gateway.1 is the manual page of this text: a test keeps their options the same.
std::string usage_text() {
    return "usage: mosaic-gateway -c FILE [--check] [--log-level LEVEL]\n"
           "       mosaic-gateway --version | --help\n"
           "\n"
           "Bridges Mosaic lighting controllers to MQTT: one process per site file.\n"
           "\n"
           "  -c, --config FILE    the site file (YAML) to run, or to check with --check\n"
           "      --check          validate the site file, print a summary and any warnings,\n"
           "                       exit 0; on an error print FILE:LINE:COLUMN: error: ...\n"
           "                       and exit 2\n"
           "      --log-level L    trace, debug, info, warn or error (overrides logging.level)\n"
           "  -V, --version        print the version and exit\n"
           "  -h, --help           print this help and exit\n"
           "\n"
           "Signals: SIGHUP reloads the site file; SIGTERM or SIGINT publishes offline and\n"
           "stops. Exit status: 0 clean stop, 1 fatal runtime error, 2 usage or config error.\n"
           "Manual: man mosaic-gateway; README: /usr/share/doc/mosaic-gateway/README.md\n";
}

std::variant<command_line, usage_error> parse_command_line(const std::vector<std::string>& args) {
    command_line result;
    bool check = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& arg = args[i];
        auto value = [&](std::string& out) -> bool {
            if (const auto eq = arg.find('='); eq != std::string::npos && arg.starts_with("--")) {
                out = arg.substr(eq + 1);
                return true;
            }
            if (i + 1 >= args.size())
                return false;
            out = args[++i];
            return true;
        };
        const auto name = arg.substr(0, arg.find('='));
        if (name == "-c" || name == "--config") {
            if (!value(result.config_path))
                return usage_error{arg + " needs a file name"};
        } else if (name == "--log-level") {
            std::string level;
            if (!value(level))
                return usage_error{"--log-level needs a level"};
            if (!is_log_level(level))
                return usage_error{"unknown log level '" + level +
                                   "' (trace, debug, info, warn, error)"};
            result.log_level = level;
        } else if (arg == "--check") {
            check = true;
        } else if (arg == "--version" || arg == "-V") {
            result.action = command_line::mode::version;
            return result;
        } else if (arg == "-h" || arg == "--help") {
            result.action = command_line::mode::help;
            return result;
        } else {
            return usage_error{"unknown argument '" + arg + "'"};
        }
    }
    if (result.config_path.empty())
        return usage_error{"a site file is required (-c FILE)"};
    if (check)
        result.action = command_line::mode::check;
    return result;
}

} // namespace mg::service
