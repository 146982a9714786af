#include "gateway/protocol/log_entry.hpp"

#include "gateway/protocol/hex.hpp"

#include <algorithm>
#include <array>
#include <optional>

namespace mg::protocol {
namespace {

constexpr char marker = '\x07';
constexpr int offset_bias = 24 * 60;
constexpr std::size_t max_offset_digits = 3;
constexpr std::size_t timestamp_digits = 8;
constexpr std::string_view entry_boundary{"\n\x07", 2};

// Codes travel as single code points below U+0020; a printable byte in their place means we are
// not looking at an entry header.
bool is_code_char(char c) {
    return c >= '\x01' && c < '\x20';
}

// Where the text of an entry starting its text at `from` ends: at a "\n" that is followed by the
// next marker or by the end of the string, else at the end of the string.
std::size_t text_end(std::string_view s, std::size_t from) {
    for (std::size_t i = s.find('\n', from); i != std::string_view::npos; i = s.find('\n', i + 1)) {
        if (i + 1 == s.size() || s[i + 1] == marker)
            return i;
    }
    return s.size();
}

struct decoded {
    log_entry entry;
    std::size_t next; // index of the next entry's marker, or s.size()
};

// Decodes the entry whose marker is at s[pos].
std::optional<decoded> decode_at(std::string_view s, std::size_t pos) {
    std::size_t i = pos + 1;
    if (i + 2 > s.size() || !is_code_char(s[i]) || !is_code_char(s[i + 1]))
        return std::nullopt;
    log_entry e{};
    e.category = static_cast<unsigned char>(s[i]);
    e.level = static_cast<unsigned char>(s[i + 1]);
    i += 2;

    int offset = 0;
    std::size_t digits = 0;
    for (; i < s.size() && s[i] != ' '; ++i, ++digits) {
        const int v = hex_value(s[i]);
        if (v < 0 || digits == max_offset_digits)
            return std::nullopt;
        offset = offset * 16 + v;
    }
    if (digits == 0 || i == s.size())
        return std::nullopt;
    e.offset_min = offset - offset_bias;
    ++i; // the space

    if (s.size() - i < timestamp_digits)
        return std::nullopt;
    std::uint32_t utc = 0;
    for (std::size_t k = 0; k < timestamp_digits; ++k, ++i) {
        const int v = hex_value(s[i]);
        if (v < 0)
            return std::nullopt;
        utc = utc * 16 + static_cast<std::uint32_t>(v);
    }
    e.utc = utc;

    const std::size_t end = text_end(s, i);
    e.text.assign(s.substr(i, end - i));
    return decoded{std::move(e), end == s.size() ? end : end + 1};
}

void append_hex(std::string& out, std::uint64_t value, std::size_t min_digits) {
    std::array<char, 16> buf{};
    std::size_t n = 0;
    do {
        buf[n++] = "0123456789abcdef"[value & 0xF];
        value >>= 4;
    } while (value != 0 || n < min_digits);
    while (n > 0)
        out.push_back(buf[--n]);
}

} // namespace

std::vector<log_entry> parse_log(std::string_view packed, std::size_t* malformed) {
    std::vector<log_entry> entries;
    std::size_t dropped = 0;
    std::size_t pos = 0;
    if (!packed.empty() && packed.front() != marker) {
        ++dropped;
        pos = packed.find(marker);
    }
    while (pos < packed.size()) {
        if (auto d = decode_at(packed, pos)) {
            entries.push_back(std::move(d->entry));
            pos = d->next;
            continue;
        }
        ++dropped;
        pos = packed.find(entry_boundary, pos + 1);
        if (pos != std::string_view::npos)
            ++pos;
    }
    if (malformed != nullptr)
        *malformed += dropped;
    return entries;
}

std::string pack_log_entry(const log_entry& entry) {
    constexpr int max_offset = 0xFFF;
    constexpr std::int64_t max_utc = 0xFFFFFFFF;
    std::string out;
    out.reserve(4 + max_offset_digits + timestamp_digits + entry.text.size());
    out.push_back(marker);
    out.push_back(static_cast<char>(entry.category));
    out.push_back(static_cast<char>(entry.level));
    const auto offset =
        std::clamp<std::int64_t>(std::int64_t{entry.offset_min} + offset_bias, 0, max_offset);
    append_hex(out, static_cast<std::uint64_t>(offset), 1);
    out.push_back(' ');
    append_hex(out, static_cast<std::uint64_t>(std::clamp<std::int64_t>(entry.utc, 0, max_utc)),
               timestamp_digits);
    out += entry.text;
    return out;
}

std::string_view category_name(int category) {
    switch (category) {
    case 16:
        return "System";
    case 17:
        return "Project";
    case 18:
        return "Time";
    case 19:
        return "Output";
    case 20:
        return "IO";
    case 21:
        return "Trigger";
    case 22:
        return "Controller API";
    case 23:
        return "DALI";
    default:
        return "Unknown";
    }
}

std::string_view level_name(int level) {
    switch (level) {
    case 2:
        return "Critical";
    case 3:
        return "Terse";
    case 4:
        return "Normal";
    case 5:
        return "Extended";
    case 6:
        return "Verbose";
    case 7:
        return "Debug";
    default:
        return "Unknown";
    }
}

} // namespace mg::protocol
