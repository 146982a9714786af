#pragma once
// The packed log entry format carried in `data.log` (docs/protocol.md §7), both directions.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mg::protocol {

struct log_entry {
    int category;
    int level;
    int offset_min; // local time minus UTC, in minutes
    std::int64_t utc;
    std::string text;

    bool operator==(const log_entry&) const = default;
};

// Decodes every entry of a `data.log` string. Fields are read by position because level 7 is the
// same character as the start marker. An entry that does not fit the format is dropped and parsing
// resumes at the next "\n\x07"; bytes before the first marker count as one dropped entry. Each
// drop adds one to *malformed when given. Category and level codes are kept as received when they
// are control characters, so codes newer than the documented tables still come through.
std::vector<log_entry> parse_log(std::string_view packed, std::size_t* malformed = nullptr);

// The controller's encoding of one entry, without a trailing newline (the caller joins entries
// with "\n"). parse_log reads it back unchanged when category and level are 1–31, offset_min is
// in −1440..2655, utc is in 0..2^32−1 and the text holds no "\n\x07" and does not end the string
// with "\n". Out-of-range offset and utc are clamped so the output always parses.
std::string pack_log_entry(const log_entry& entry);

// "Unknown" for codes outside the documented tables.
std::string_view category_name(int category);
std::string_view level_name(int level);

} // namespace mg::protocol
