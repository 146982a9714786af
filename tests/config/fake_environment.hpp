#pragma once
// An environment and a file system held in maps, so config tests never touch the real ones.

#include "gateway/config/load.hpp"

#include <map>
#include <string>
#include <string_view>

namespace mg::config::testing {

struct fake_environment {
    std::map<std::string, std::string> variables;
    std::map<std::string, std::string> files;

    env_lookup env() const {
        return [this](const std::string& name) -> std::optional<std::string> {
            const auto it = variables.find(name);
            return it == variables.end() ? std::nullopt : std::optional(it->second);
        };
    }

    file_reader reader() const {
        return [this](const std::string& path) -> std::optional<std::string> {
            const auto it = files.find(path);
            return it == files.end() ? std::nullopt : std::optional(it->second);
        };
    }

    site_config parse(std::string_view yaml, const std::string& file_name = "site.yaml") const {
        return parse_site_config(yaml, file_name, env(), reader());
    }

    // The diagnostic parse throws, or "" when the text is accepted.
    std::string error_of(std::string_view yaml, const std::string& file_name = "site.yaml") const {
        try {
            parse(yaml, file_name);
        } catch (const config_error& e) {
            return e.what();
        }
        return "";
    }
};

// The smallest valid file; tests append to it or replace parts of it.
inline constexpr std::string_view minimal_site = R"(site: hotel-east
controllers:
  - name: lobby
    url: ws://127.0.0.1:9000
)";

} // namespace mg::config::testing
