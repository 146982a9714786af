#include "gateway/service/command_line.hpp"

#include "gateway/config/duration.hpp"
#include "gateway/service/capture_file.hpp"

#include <array>
#include <stdexcept>

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
           "                      [--capture FILE [--capture-max SIZE]]\n"
           "       mosaic-gateway -c FILE --probe NAME [--json] [--probe-time D]\n"
           "                      [--capture FILE [--capture-max SIZE]]\n"
           "       mosaic-gateway --version | --help\n"
           "\n"
           "Bridges Mosaic lighting controllers to MQTT: one process per site file.\n"
           "\n"
           "  -c, --config FILE    the site file (YAML) to run, or to check with --check\n"
           "      --check          validate the site file, print a summary and any warnings,\n"
           "                       exit 0; on an error print FILE:LINE:COLUMN: error: ...\n"
           "                       and exit 2\n"
           "      --log-level L    trace, debug, info, warn or error (overrides logging.level)\n"
           "      --probe NAME     try controller NAME of the site file (no broker needed):\n"
           "                       connect, authenticate, WebSocket, keep-alive, every\n"
           "                       request without parameters, every channel; one line per\n"
           "                       step (ok, FAIL, odd), then what was learnt; exit 0 when it\n"
           "                       all worked, 1 when a step failed\n"
           "      --json           with --probe: print the report as one JSON object\n"
           "      --probe-time D   with --probe: how long to listen to the channels (5s)\n"
           "      --capture FILE   append a redacted transcript of all controller traffic\n"
           "                       to FILE (JSON Lines; no passwords, usernames or tokens)\n"
           "      --capture-max S  stop capturing when FILE reaches S bytes (64MiB)\n"
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
    bool json = false;
    bool probe_time = false;
    bool capture_max = false;
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
        } else if (name == "--probe") {
            if (!value(result.probe) || result.probe.empty())
                return usage_error{"--probe needs a controller name"};
        } else if (arg == "--json") {
            result.probe_json = true;
            json = true;
        } else if (name == "--probe-time") {
            std::string text;
            if (!value(text))
                return usage_error{"--probe-time needs a duration"};
            try {
                result.probe_time = config::parse_duration(text);
            } catch (const std::invalid_argument& e) {
                return usage_error{"--probe-time: " + std::string(e.what())};
            }
            probe_time = true;
        } else if (name == "--capture") {
            if (!value(result.capture_path) || result.capture_path.empty())
                return usage_error{"--capture needs a file name"};
        } else if (name == "--capture-max") {
            std::string text;
            if (!value(text))
                return usage_error{"--capture-max needs a size"};
            const auto size = parse_size(text);
            if (!size || *size == 0)
                return usage_error{"--capture-max: not a size: '" + text +
                                   "' (bytes, or with K, M, G, KiB, MiB, GiB, kB, MB, GB)"};
            result.capture_max = *size;
            capture_max = true;
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
    if ((json || probe_time) && result.probe.empty())
        return usage_error{std::string(json ? "--json" : "--probe-time") + " needs --probe NAME"};
    if (capture_max && result.capture_path.empty())
        return usage_error{"--capture-max needs --capture FILE"};
    if (check && !result.probe.empty())
        return usage_error{"--check and --probe do not go together"};
    if (check && !result.capture_path.empty())
        return usage_error{"--check captures nothing: it never connects"};
    if (check)
        result.action = command_line::mode::check;
    if (!result.probe.empty())
        result.action = command_line::mode::probe;
    return result;
}

} // namespace mg::service
