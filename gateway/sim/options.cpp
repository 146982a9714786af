#include "gateway/sim/options.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

namespace mg::sim {
namespace {

template <class T> T parse_unsigned(std::string_view flag, std::string_view text, T max) {
    std::uint64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value > max)
        throw usage_error(std::string(flag) + ": not a number in range: '" + std::string(text) +
                          "'");
    return static_cast<T>(value);
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// The reported name and the documented connection budget of each model.
void set_hardware(options& opts, std::string_view text) {
    const auto name = lower(text);
    if (name == "msc") {
        opts.hardware = "MSC";
        opts.max_connections = 8;
    } else if (name == "msc_x" || name == "msc x" || name == "msc-x") {
        opts.hardware = "MSC X";
        opts.max_connections = 16;
    } else if (name == "atlas") {
        opts.hardware = "Atlas";
        opts.max_connections = 16;
    } else if (name == "atlas_pro" || name == "atlas pro" || name == "atlas-pro") {
        opts.hardware = "Atlas Pro";
        opts.max_connections = 16; // not documented; taken to be Atlas's
    } else {
        throw usage_error("--hardware: expected MSC, MSC_X, Atlas or Atlas_Pro, got '" +
                          std::string(text) + "'");
    }
}

std::chrono::milliseconds duration_arg(std::string_view flag, std::string_view text) {
    const auto d = parse_duration(text);
    if (!d)
        throw usage_error(std::string(flag) + ": not a duration: '" + std::string(text) + "'");
    return *d;
}

template <class Parse>
auto choice_arg(std::string_view flag, std::string_view text, Parse parse,
                std::string_view expected) {
    const auto choice = parse(text);
    if (!choice)
        throw usage_error(std::string(flag) + ": expected " + std::string(expected) + ", got '" +
                          std::string(text) + "'");
    return *choice;
}

user_credentials user_arg(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0)
        throw usage_error("--user: expected NAME:PASSWORD");
    return {std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

double speed_arg(std::string_view text) {
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || !std::isfinite(value) || value <= 0 ||
        value > 1000)
        throw usage_error("--speed: expected a factor above 0, at most 1000, got '" +
                          std::string(text) + "'");
    return value;
}

} // namespace

std::optional<expired_token_answer> parse_expired_token_answer(std::string_view text) {
    if (text == "401")
        return expired_token_answer::unauthorized;
    if (text == "redirect")
        return expired_token_answer::redirect;
    if (text == "body")
        return expired_token_answer::body;
    return std::nullopt;
}

std::optional<wrong_credentials_answer> parse_wrong_credentials_answer(std::string_view text) {
    if (text == "redirect")
        return wrong_credentials_answer::redirect;
    if (text == "401")
        return wrong_credentials_answer::unauthorized;
    if (text == "403")
        return wrong_credentials_answer::forbidden;
    if (text == "no-token")
        return wrong_credentials_answer::no_token;
    return std::nullopt;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    std::size_t digits = 0;
    while (digits < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[digits])) != 0 || text[digits] == '.'))
        ++digits;
    if (digits == 0)
        return std::nullopt;
    double value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + digits, value);
    if (ec != std::errc{} || ptr != text.data() + digits || !std::isfinite(value))
        return std::nullopt;
    const auto unit = text.substr(digits);
    double ms_per_unit = 0;
    if (unit.empty() || unit == "s")
        ms_per_unit = 1000;
    else if (unit == "ms")
        ms_per_unit = 1;
    else if (unit == "m")
        ms_per_unit = 60'000;
    else if (unit == "h")
        ms_per_unit = 3'600'000;
    else
        return std::nullopt;
    const double ms = value * ms_per_unit;
    if (ms > static_cast<double>(std::numeric_limits<std::int32_t>::max()))
        return std::nullopt;
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(ms)));
}

options parse_options(const std::vector<std::string_view>& args) {
    options opts;
    std::optional<std::size_t> max_connections;
    std::string_view simulation_flag; // the last flag that only a simulation uses
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view flag = args[i];
        std::optional<std::string_view> inline_value;
        if (const auto eq = flag.find('=');
            flag.starts_with("--") && eq != std::string_view::npos) {
            inline_value = flag.substr(eq + 1);
            flag = flag.substr(0, eq);
        }
        auto value = [&]() -> std::string_view {
            if (inline_value)
                return *inline_value;
            if (i + 1 >= args.size())
                throw usage_error(std::string(flag) + ": missing value");
            return args[++i];
        };
        if (flag == "--help" || flag == "-h")
            opts.help = true;
        else if (flag == "--bind")
            opts.bind = value();
        else if (flag == "--port")
            opts.port = parse_unsigned<std::uint16_t>(flag, value(), 65535);
        else if (flag == "--controllers")
            opts.controllers = parse_unsigned<std::size_t>(flag, value(), 1000);
        else if (flag == "--control-port")
            opts.control_port = parse_unsigned<std::uint16_t>(flag, value(), 65535);
        else if (flag == "--seed")
            opts.seed = parse_unsigned<std::uint64_t>(flag, value(),
                                                      std::numeric_limits<std::uint64_t>::max());
        else if (flag == "--tick")
            opts.tick = duration_arg(flag, value());
        else if (flag == "--hardware")
            set_hardware(opts, value());
        else if (flag == "--max-connections")
            max_connections = parse_unsigned<std::size_t>(flag, value(), 100'000);
        else if (flag == "--user")
            opts.users.push_back(user_arg(value()));
        else if (flag == "--token-idle")
            opts.token_idle = duration_arg(flag, value());
        else if (flag == "--http-idle")
            opts.http_idle = duration_arg(flag, value());
        else if (flag == "--tls")
            opts.tls = true;
        else if (flag == "--expired-token")
            opts.expired_token = choice_arg(flag, value(), parse_expired_token_answer,
                                            "401, redirect or body");
        else if (flag == "--wrong-credentials")
            opts.wrong_credentials = choice_arg(flag, value(), parse_wrong_credentials_answer,
                                                "redirect, 401, 403 or no-token");
        else if (flag == "--flood-rate")
            opts.flood_rate = parse_unsigned<std::uint64_t>(flag, value(), 10'000'000);
        else if (flag == "--flood-count")
            opts.flood_count = parse_unsigned<std::uint64_t>(
                flag, value(), std::numeric_limits<std::uint64_t>::max());
        else if (flag == "--replay")
            opts.replay_file = value();
        else if (flag == "--controller")
            opts.replay_controller = value();
        else if (flag == "--speed")
            opts.replay_speed = speed_arg(value());
        else
            throw usage_error("unknown argument '" + std::string(args[i]) + "'");
        if (flag != "--replay" && flag != "--controller" && flag != "--speed" && flag != "--port" &&
            flag != "--bind" && flag != "--tls" && flag != "--help" && flag != "-h")
            simulation_flag = flag;
    }
    if (opts.replay_file.empty() && (!opts.replay_controller.empty() || opts.replay_speed != 1.0))
        throw usage_error("--controller and --speed apply only with --replay");
    if (!opts.replay_file.empty() && !simulation_flag.empty())
        throw usage_error(std::string(simulation_flag) +
                          ": does not apply with --replay (the capture says how the controller "
                          "behaves)");
    if (max_connections)
        opts.max_connections = *max_connections;
    if (opts.controllers == 0)
        throw usage_error("--controllers: at least 1");
    if (opts.max_connections == 0)
        throw usage_error("--max-connections: at least 1");
    if (opts.token_idle.count() <= 0)
        throw usage_error("--token-idle: must be positive");
    if (opts.http_idle.count() <= 0)
        throw usage_error("--http-idle: must be positive");
    if (opts.port != 0 && opts.port + opts.controllers - 1 > 65535)
        throw usage_error("--port: the controllers' ports would pass 65535");
    return opts;
}

std::string_view usage_text() {
    return R"(usage: mosaic-sim [options]
  --bind ADDR             listen address (default 127.0.0.1)
  --port P                first controller port; controller i uses P+i (default 0: ephemeral)
  --controllers N         simulated controllers (default 1)
  --control-port P        control API port (default 0: ephemeral)
  --seed S                random seed (default 1)
  --tick DURATION         random project change period, 0 = never (default 0)
  --hardware TYPE         MSC (default), MSC_X, Atlas or Atlas_Pro
  --max-connections N     TCP connection limit per controller (default by hardware: 8 or 16)
  --user NAME:PASSWORD    enable security with this user (repeatable)
  --token-idle DURATION   token idle expiry (default 300s)
  --http-idle DURATION    close an HTTP keep-alive connection idle this long (default 120s)
  --expired-token HOW     how /api/* answers a missing or expired token: 401 (default),
                          redirect (302 to /login) or body (200 {"redirect":"/login"})
  --wrong-credentials HOW how /authenticate answers wrong credentials: redirect (default,
                          302 to the Referer), 401, 403 or no-token (200 without a token)
  --tls                   serve wss/https with a generated self-signed certificate
  --flood-rate N          broadcast N group/timeline changes per second to subscribers
  --flood-count M         stop flooding after M messages (default unlimited)

usage: mosaic-sim --replay FILE [--controller NAME] [--speed F] [--port P] [--bind ADDR] [--tls]
  --replay FILE           play the controller side of a capture (mosaic-gateway --capture)
  --controller NAME       the controller of the capture to play (default: the only one)
  --speed F               play the recorded broadcasts F times as fast (default 1)
  --tls                   serve wss/https (on by itself when the capture used wss://)
)";
}

} // namespace mg::sim
