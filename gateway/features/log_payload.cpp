#include "gateway/features/log_payload.hpp"

#include "gateway/features/utf8.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <string_view>

namespace mg::features {
namespace {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;
using mg::protocol::log_entry;

// Keeping times inside years 0000–9999 keeps the ISO strings four-digit-year and keeps the
// calendar arithmetic far from integer overflow whatever the entry holds.
constexpr std::int64_t earliest_seconds =
    std::chrono::sys_seconds{std::chrono::sys_days{std::chrono::year{0} / 1 / 1}}
        .time_since_epoch()
        .count();
constexpr std::int64_t latest_seconds =
    std::chrono::sys_seconds{std::chrono::sys_days{std::chrono::year{10000} / 1 / 1}}
        .time_since_epoch()
        .count() -
    1;
// Two hour digits in the ±HH:MM suffix.
constexpr std::int64_t max_offset_min = 99 * 60 + 59;

void append_digits(std::string& out, std::int64_t value, int width) {
    char buf[20];
    int n = 0;
    do {
        buf[n++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0 || n < width);
    while (n > 0)
        out.push_back(buf[--n]);
}

// Calendar fields via std::chrono so the result depends on neither the C library's time zone nor
// its locale.
void append_date_time(std::string& out, std::int64_t seconds) {
    using namespace std::chrono;
    const sys_seconds tp{std::chrono::seconds{seconds}};
    const auto day = floor<days>(tp);
    const year_month_day ymd{day};
    const hh_mm_ss hms{tp - day};
    append_digits(out, static_cast<int>(ymd.year()), 4);
    out.push_back('-');
    append_digits(out, static_cast<unsigned>(ymd.month()), 2);
    out.push_back('-');
    append_digits(out, static_cast<unsigned>(ymd.day()), 2);
    out.push_back('T');
    append_digits(out, hms.hours().count(), 2);
    out.push_back(':');
    append_digits(out, hms.minutes().count(), 2);
    out.push_back(':');
    append_digits(out, hms.seconds().count(), 2);
}

std::string utc_iso(std::int64_t utc) {
    std::string out;
    append_date_time(out, std::clamp(utc, earliest_seconds, latest_seconds));
    out.push_back('Z');
    return out;
}

std::string local_iso(std::int64_t utc, int offset_min) {
    const std::int64_t offset =
        std::clamp<std::int64_t>(offset_min, -max_offset_min, max_offset_min);
    const std::int64_t local =
        std::clamp(std::clamp(utc, earliest_seconds, latest_seconds) + offset * 60,
                   earliest_seconds, latest_seconds);
    std::string out;
    append_date_time(out, local);
    out.push_back(offset < 0 ? '-' : '+');
    append_digits(out, (offset < 0 ? -offset : offset) / 60, 2);
    out.push_back(':');
    append_digits(out, (offset < 0 ? -offset : offset) % 60, 2);
    return out;
}

void write_string(json_writer& w, std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void write_key(json_writer& w, std::string_view s) {
    w.Key(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void write_entry(json_writer& w, const log_entry& entry) {
    w.StartObject();
    write_key(w, "utc");
    write_string(w, utc_iso(entry.utc));
    write_key(w, "time");
    write_string(w, local_iso(entry.utc, entry.offset_min));
    write_key(w, "offset_min");
    w.Int(entry.offset_min);
    write_key(w, "category");
    write_string(w, mg::protocol::category_name(entry.category));
    write_key(w, "category_code");
    w.Int(entry.category);
    write_key(w, "level");
    write_string(w, mg::protocol::level_name(entry.level));
    write_key(w, "level_code");
    w.Int(entry.level);
    write_key(w, "text");
    // Controller text is not guaranteed UTF-8 and the Writer would copy bad bytes through.
    std::string repaired;
    write_string(w, repair_utf8(entry.text, repaired) ? std::string_view{repaired}
                                                      : std::string_view{entry.text});
    w.EndObject();
}

std::string finish(const rapidjson::StringBuffer& buffer) {
    return {buffer.GetString(), buffer.GetSize()};
}

} // namespace

std::string log_entry_json(const log_entry& entry) {
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    write_entry(w, entry);
    return finish(buffer);
}

std::string log_history_json(const std::vector<log_entry>& entries) {
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    write_key(w, "entries");
    w.StartArray();
    for (const auto& entry : entries)
        write_entry(w, entry);
    w.EndArray();
    w.EndObject();
    return finish(buffer);
}

} // namespace mg::features
