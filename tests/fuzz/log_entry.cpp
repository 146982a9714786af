// The packed log format of `data.log`, as a controller sends it: every input decodes without
// a crash, each entry becomes valid C/log JSON, and an entry inside the ranges pack_log_entry
// promises to keep reads back unchanged.

#include "gateway/features/log_payload.hpp"
#include "gateway/protocol/log_entry.hpp"

#include <cstddef>
#include <cstdint>
#include <rapidjson/document.h>
#include <string_view>

namespace {

bool round_trips(const mg::protocol::log_entry& e) {
    return e.category >= 1 && e.category <= 31 && e.level >= 1 && e.level <= 31 &&
           e.offset_min >= -1440 && e.offset_min <= 2655 && e.utc >= 0 &&
           e.utc <= 0xFFFFFFFFll && e.text.find("\n\x07") == std::string::npos &&
           !e.text.ends_with('\n');
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view packed(reinterpret_cast<const char*>(data), size);
    std::size_t malformed = 0;
    const auto entries = mg::protocol::parse_log(packed, &malformed);
    for (const auto& entry : entries) {
        const auto json = mg::features::log_entry_json(entry);
        rapidjson::Document doc;
        doc.Parse<rapidjson::kParseValidateEncodingFlag>(json.c_str(), json.size());
        if (doc.HasParseError() || !doc.IsObject())
            __builtin_trap();
        if (round_trips(entry)) {
            const auto again = mg::protocol::parse_log(mg::protocol::pack_log_entry(entry));
            if (again.size() != 1 || again[0] != entry)
                __builtin_trap();
        }
    }
    mg::features::log_history_json(entries);
    return 0;
}
