#include "gateway/protocol/messages.hpp"

#include "gateway/protocol/json_limits.hpp"

#include <algorithm>
#include <array>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace mg::protocol {
namespace {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(json_writer& w, std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void write_key(json_writer& w, std::string_view s) {
    w.Key(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void write_token(json_writer& w, std::string_view token) {
    if (!token.empty()) {
        write_key(w, "token");
        write_string(w, token);
    }
}

std::string finish(const rapidjson::StringBuffer& buffer) {
    return {buffer.GetString(), buffer.GetSize()};
}

// Data is already JSON text: splice it in verbatim instead of re-parsing it.
void write_raw(json_writer& w, std::string_view json) {
    w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
}

} // namespace

std::string subscribe_message(std::string_view channel, std::string_view token) {
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    write_key(w, "subscribe");
    write_string(w, channel);
    write_token(w, token);
    w.EndObject();
    return finish(buffer);
}

std::string request_message(std::string_view name, std::uint64_t id, std::string_view params_json,
                            std::string_view token) {
    rapidjson::Document params;
    if (!params_json.empty()) {
        if (!parse_bounded(params, params_json, max_payload_depth) || !params.IsObject())
            return {};
    }
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    write_key(w, "request");
    write_string(w, name);
    write_key(w, "id");
    w.Uint64(id);
    if (params.IsObject()) {
        for (const auto& member : params.GetObject()) {
            std::string_view key{member.name.GetString(), member.name.GetStringLength()};
            if (is_envelope_key(key))
                continue;
            write_key(w, key);
            member.value.Accept(w);
        }
    }
    write_token(w, token);
    w.EndObject();
    return finish(buffer);
}

std::string keepalive_message(std::string_view token) {
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    write_token(w, token);
    w.EndObject();
    return finish(buffer);
}

std::string reply_message(std::string_view name, std::uint64_t id, std::string_view data_json) {
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    write_key(w, "request");
    write_string(w, name);
    write_key(w, "id");
    w.Uint64(id);
    write_key(w, "data");
    write_raw(w, data_json);
    w.EndObject();
    return finish(buffer);
}

std::string broadcast_message(std::string_view channel, std::string_view data_json) {
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    write_key(w, "broadcast");
    write_string(w, channel);
    write_key(w, "data");
    write_raw(w, data_json);
    w.EndObject();
    return finish(buffer);
}

bool is_json_object(std::string_view text) {
    rapidjson::Document doc;
    return parse_bounded(doc, text, max_payload_depth) && doc.IsObject();
}

bool is_envelope_key(std::string_view key) {
    static constexpr std::array<std::string_view, 6> keys{"request",     "id",         "token",
                                                          "subscribe",   "unsubscribe", "broadcast"};
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

} // namespace mg::protocol
