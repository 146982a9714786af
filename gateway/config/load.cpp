#include "gateway/config/load.hpp"

#include "gateway/config/names.hpp"
#include "gateway/config/sections.hpp"
#include "gateway/config/yaml_trial.hpp"

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace mg::config {
namespace {

constexpr std::array<std::string_view, 6> top_keys{"site",          "mqtt",    "controllers",
                                                   "homeassistant", "metrics", "logging"};
constexpr std::array<std::string_view, 1> logging_keys{"level"};
constexpr std::array<std::string_view, 5> log_levels{"trace", "debug", "info", "warn", "error"};

std::vector<YAML::Node> load_documents(const detail::reader& in, std::string_view yaml) {
    try {
        return YAML::LoadAll(std::string(yaml));
    } catch (const YAML::Exception& e) {
        in.fail(e.mark, "", e.msg);
    }
}

std::string read_site(const detail::reader& in, const detail::field& f) {
    auto site = in.text(f);
    if (!is_identifier(site))
        in.fail(f, "must be a non-empty name of letters, digits, '_' and '-'");
    return site;
}

std::vector<controller_settings> read_controllers(const detail::reader& in,
                                                  const detail::field& f) {
    const auto items = in.items(f, "a list of controllers");
    if (items.empty())
        in.fail(f, "at least one controller is required");
    std::vector<controller_settings> out;
    for (const auto& item : items)
        out.push_back(detail::read_controller(in, item, out));
    return out;
}

logging_settings read_logging(const detail::reader& in, const detail::field& f) {
    const detail::map_reader map(in, f, logging_keys);
    logging_settings out;
    if (const auto level = map.get("level"))
        out.level = in.one_of(*level, log_levels, "log level");
    return out;
}

std::optional<std::string> read_disk_file(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return std::nullopt;
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return std::nullopt;
    std::string contents{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    if (file.bad())
        return std::nullopt;
    return contents;
}

std::optional<std::string> process_env(const std::string& name) {
    if (const char* value = std::getenv(name.c_str()))
        return std::string(value);
    return std::nullopt;
}

} // namespace

site_config parse_site_config(std::string_view yaml, const std::string& file_name,
                              const env_lookup& env, const file_reader& read_file) {
    const detail::reader in(file_name, env, read_file);
    const auto documents = load_documents(in, yaml);
    if (documents.size() > 1)
        in.fail(documents[1].Mark(), "", "a site file holds one YAML document, found more");
    if (documents.empty() || documents[0].IsNull())
        in.fail(YAML::Mark::null_mark(), "",
                "the file holds no settings; 'site' and 'controllers' are required");

    const detail::field root{documents[0], "", documents[0].Mark()};
    const detail::map_reader map(in, root, top_keys);
    site_config config;
    config.site = read_site(in, map.require("site"));
    if (const auto mqtt = map.get("mqtt"))
        config.mqtt = detail::read_mqtt(in, *mqtt, config.site);
    else
        config.mqtt.client_id = "mosaic-gateway-" + config.site;
    config.controllers = read_controllers(in, map.require("controllers"));
    if (const auto homeassistant = map.get("homeassistant"))
        config.homeassistant = detail::read_homeassistant(in, *homeassistant);
    if (const auto metrics = map.get("metrics"))
        config.metrics = detail::read_metrics(in, *metrics);
    if (const auto logging = map.get("logging"))
        config.logging = read_logging(in, *logging);
    return config;
}

std::string read_site_file(const std::string& path) {
    auto text = read_disk_file(path);
    if (!text)
        throw config_error(path + ": error: cannot read file");
    return std::move(*text);
}

site_config parse_site_file(const std::string& path, std::string_view text) {
    return parse_site_config(text, path, process_env, read_disk_file);
}

site_config load_site_config(const std::string& path) {
    const auto text = read_site_file(path);
    yaml_trial trial(text);
    const auto outcome = trial.wait(yaml_parse_limit);
    if (outcome != yaml_trial::outcome::finished)
        throw config_error(path + ": error: " + describe(outcome));
    return parse_site_file(path, text);
}

} // namespace mg::config
