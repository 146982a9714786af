#pragma once
// Loading and validating a site file.

#include "gateway/config/site_config.hpp"

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mg::config {

// what() is the full diagnostic: `FILE:LINE:COLUMN: error: PATH: message`.
class config_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

using env_lookup = std::function<std::optional<std::string>(const std::string&)>;
using file_reader = std::function<std::optional<std::string>(const std::string&)>;

// Reads process environment and files from disk. The YAML parser first runs on the text in a
// child process limited to yaml_parse_limit (yaml_trial.hpp); blocks until that ends.
site_config load_site_config(const std::string& path);

// The pieces of load_site_config, for a caller that waits for the trial itself (a reload on
// the event loop): the text of the file, and the parse of text whose trial finished.
std::string read_site_file(const std::string& path);
site_config parse_site_file(const std::string& path, std::string_view text);

// The same from text, with the environment and file access injected (unit tests).
site_config parse_site_config(std::string_view yaml, const std::string& file_name,
                              const env_lookup& env, const file_reader& read_file);

// A one-screen human summary for `--check`; secrets are shown only as "(set)".
std::string summarize(const site_config& config);

} // namespace mg::config
