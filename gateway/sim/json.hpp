#pragma once
// Small RapidJSON helpers shared by the simulator's JSON producers and readers.

#include <cstdint>
#include <optional>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <string>
#include <string_view>
#include <vector>

namespace mg::sim::json {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

inline rapidjson::SizeType size_of(std::string_view s) {
    return static_cast<rapidjson::SizeType>(s.size());
}

inline void key(writer& w, std::string_view k) {
    w.Key(k.data(), size_of(k));
}
inline void string(writer& w, std::string_view s) {
    w.String(s.data(), size_of(s));
}

// Distinct names: an overload set would silently route string literals to the bool overload.
inline void field_str(writer& w, std::string_view k, std::string_view v) {
    key(w, k);
    string(w, v);
}
inline void field_int(writer& w, std::string_view k, std::int64_t v) {
    key(w, k);
    w.Int64(v);
}
inline void field_bool(writer& w, std::string_view k, bool v) {
    key(w, k);
    w.Bool(v);
}

inline std::string text(const rapidjson::StringBuffer& buffer) {
    return {buffer.GetString(), buffer.GetSize()};
}

// Serialises one value (for storing a sub-document as text).
inline std::string to_text(const rapidjson::Value& value) {
    rapidjson::StringBuffer buffer;
    writer w(buffer);
    value.Accept(w);
    return text(buffer);
}

// Builds one object's text; `fill` writes its members.
template <class Fill> std::string object_text(const Fill& fill) {
    rapidjson::StringBuffer buffer;
    writer w(buffer);
    w.StartObject();
    fill(w);
    w.EndObject();
    return text(buffer);
}

// Builds {"<list_key>":[...]} with `write` called for each object (it may skip some).
template <class Object, class Write>
std::string list_text(std::string_view list_key, const std::vector<Object>& objects,
                      const Write& write) {
    return object_text([&](writer& w) {
        key(w, list_key);
        w.StartArray();
        for (const auto& object : objects)
            write(w, object);
        w.EndArray();
    });
}

// Parses `text` into `doc`; true when it is a JSON object.
inline bool parse_object(rapidjson::Document& doc, std::string_view text) {
    doc.Parse(text.data(), text.size());
    return !doc.HasParseError() && doc.IsObject();
}

inline const rapidjson::Value* member(const rapidjson::Value& object, std::string_view name) {
    if (!object.IsObject())
        return nullptr;
    const auto it =
        object.FindMember(rapidjson::Value(rapidjson::StringRef(name.data(), name.size())));
    return it == object.MemberEnd() ? nullptr : &it->value;
}

inline std::optional<std::string_view> get_string(const rapidjson::Value& object,
                                                  std::string_view name) {
    const auto* v = member(object, name);
    if (v == nullptr || !v->IsString())
        return std::nullopt;
    return std::string_view{v->GetString(), v->GetStringLength()};
}

inline std::optional<std::int64_t> get_int(const rapidjson::Value& object, std::string_view name) {
    const auto* v = member(object, name);
    if (v == nullptr || !v->IsInt64())
        return std::nullopt;
    return v->GetInt64();
}

inline std::optional<double> get_number(const rapidjson::Value& object, std::string_view name) {
    const auto* v = member(object, name);
    if (v == nullptr || !v->IsNumber())
        return std::nullopt;
    return v->GetDouble();
}

inline std::optional<bool> get_bool(const rapidjson::Value& object, std::string_view name) {
    const auto* v = member(object, name);
    if (v == nullptr || !v->IsBool())
        return std::nullopt;
    return v->GetBool();
}

} // namespace mg::sim::json
