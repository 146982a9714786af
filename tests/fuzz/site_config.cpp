// The site YAML loader: any text is either a valid site or a config_error with a position;
// nothing else escapes and nothing crashes. Environment variables and credential files exist
// for whatever name the text asks for.
//
// As in the daemon (config/yaml_trial.hpp), the YAML parser first runs on the text in a child
// process with a time limit; text it does not finish on (yaml-cpp 0.7 loops forever on some)
// is refused there and not parsed here. The limit is shorter than the daemon's so that such
// inputs cost the fuzzer little: a parse that ends takes milliseconds.

#include "gateway/config/load.hpp"
#include "gateway/config/yaml_trial.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace std::chrono_literals;
    const std::string_view yaml(reinterpret_cast<const char*>(data), size);
    mg::config::yaml_trial trial(yaml);
    if (trial.wait(1s) != mg::config::yaml_trial::outcome::finished)
        return 0;
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
