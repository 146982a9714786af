#pragma once

#include <string>

namespace mg::service {

// Console logging on stderr. Under systemd (JOURNAL_STREAM set) lines carry a `<N>` syslog
// priority prefix and no timestamp, which journald adds itself.
void setup_logging(const std::string& level);

} // namespace mg::service
