// The site YAML loader: any text is either a valid site or a config_error with a position;
// nothing else escapes and nothing crashes. Environment variables and credential files exist
// for whatever name the text asks for.

#include "gateway/config/load.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view yaml(reinterpret_cast<const char*>(data), size);
    const mg::config::env_lookup env = [](const std::string& name) -> std::optional<std::string> {
        if (name == "UNSET")
            return std::nullopt;
        return "/run/credentials/mosaic-gateway@fuzz.service";
    };
    const mg::config::file_reader read_file =
        [](const std::string& path) -> std::optional<std::string> {
        if (path.ends_with(".missing"))
            return std::nullopt;
        return "secret\n";
    };
    try {
        const auto config = mg::config::parse_site_config(yaml, "fuzz.yaml", env, read_file);
        mg::config::summarize(config);
    } catch (const mg::config::config_error&) {
    }
    return 0;
}
