#pragma once
// `${NAME}` references in site file values, so that secrets and per-host paths can come from the
// environment (for example `${CREDENTIALS_DIRECTORY}` under systemd).

#include "gateway/config/load.hpp"

#include <string>
#include <string_view>

namespace mg::config {

// Replaces every `${NAME}` by the value env gives for NAME. Replacements are not scanned again.
// Throws std::invalid_argument when a variable is not set or a reference is malformed; the
// message names the variable but never repeats the rest of the text, which may be a secret.
std::string expand_env(std::string_view text, const env_lookup& env);

} // namespace mg::config
