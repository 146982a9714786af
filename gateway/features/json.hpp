#pragma once
// Small helpers for building payloads with RapidJSON.

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <string>
#include <string_view>

namespace mg::features {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

inline std::string to_json(const rapidjson::Value& value) {
    rapidjson::StringBuffer buffer;
    json_writer writer(buffer);
    value.Accept(writer);
    return {buffer.GetString(), buffer.GetSize()};
}

inline std::string_view string_view_of(const rapidjson::Value& value) {
    return value.IsString() ? std::string_view(value.GetString(), value.GetStringLength())
                            : std::string_view();
}

// UTC wall-clock time as ISO 8601 with seconds and a Z.
std::string utc_now_iso8601();

} // namespace mg::features
