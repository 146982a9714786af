#pragma once
// Settings that load but deserve a second look: `--check` prints them below its summary and the
// gateway logs them at start and on reload. A warning never refuses a file.

#include "gateway/config/site_config.hpp"

#include <string>
#include <vector>

namespace mg::config {

// One sentence each, naming the controller; never a secret.
std::vector<std::string> warnings(const site_config& config);

} // namespace mg::config
