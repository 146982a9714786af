#pragma once
// Readers for the parts of a site file; load.cpp puts them together. Internal to this layer.

#include "gateway/config/site_config.hpp"
#include "gateway/config/yaml_reader.hpp"

#include <string>
#include <vector>

namespace mg::config::detail {

mqtt_settings read_mqtt(const reader& in, const field& f, const std::string& site);

// metrics: { listen: ADDRESS:PORT }
metrics_settings read_metrics(const reader& in, const field& f);

// earlier: the controllers read so far, so that a repeated name is reported where it repeats.
controller_settings read_controller(const reader& in, const field& f,
                                    const std::vector<controller_settings>& earlier);

std::vector<std::string> read_subscribe(const reader& in, const field& f);
std::vector<poll_entry> read_poll(const reader& in, const field& f);
std::vector<std::string> default_subscribe();
std::vector<poll_entry> default_poll();

homeassistant_settings read_homeassistant(const reader& in, const field& f);

// A YAML map of request parameters as compact JSON object text.
std::string read_params(const reader& in, const field& f);

struct credentials {
    std::string username;
    std::string password;
};

enum class username_rule {
    password_optional, // brokers may accept a bare user name
    password_required, // a controller with security enabled always wants both
};

// username plus password or password_file from the map, each checked against the other.
credentials read_credentials(const reader& in, const map_reader& map, username_rule rule);

} // namespace mg::config::detail
