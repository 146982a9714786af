#pragma once
// The C/log and C/log/history payloads (README "MQTT topics").

#include "gateway/protocol/log_entry.hpp"

#include <string>
#include <vector>

namespace mg::features {

// {"utc","time","offset_min","category","category_code","level","level_code","text"}, compact.
// `time` is the entry's local time with its ±HH:MM offset. The output is always valid UTF-8 JSON:
// invalid byte sequences in the text become U+FFFD. Times outside years 0000–9999 are clamped to
// that range so the ISO 8601 strings keep their fixed shape.
std::string log_entry_json(const mg::protocol::log_entry& entry);

// {"entries":[...]} with each element as log_entry_json writes it.
std::string log_history_json(const std::vector<mg::protocol::log_entry>& entries);

} // namespace mg::features
