#pragma once
// Reading members of RapidJSON values that came from outside: absent, wrongly typed and
// non-object values all read as "not there", never as an assertion.

#include <rapidjson/document.h>
#include <string_view>

namespace mg::protocol {

// The member `name` of `object`, or nullptr when it is absent or `object` is no object.
inline const rapidjson::Value* member(const rapidjson::Value& object, const char* name) {
    if (!object.IsObject())
        return nullptr;
    const auto it = object.FindMember(name);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

// The member as text; empty when it is absent or no string.
inline std::string_view string_member(const rapidjson::Value& object, const char* name) {
    const auto* value = member(object, name);
    if (!value || !value->IsString())
        return {};
    return {value->GetString(), value->GetStringLength()};
}

// The session token a controller's reply (a frame, an /authenticate answer) carries: the
// `token` member when it is a non-empty string. An empty token is no token, everywhere.
inline std::string_view token_of(const rapidjson::Value& object) {
    return string_member(object, "token");
}

} // namespace mg::protocol
