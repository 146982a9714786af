#include "gateway/features/object_state.hpp"

#include <rapidjson/writer.h>

namespace mg::features {
namespace {

using stored_object = rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::CrtAllocator>;
using stored_value = stored_object::ValueType;

template <typename Value>
void set_member(stored_object& object, std::string_view key, const Value& value) {
    auto& allocator = object.GetAllocator();
    const auto it = object.FindMember(stored_value(rapidjson::StringRef(key.data(), key.size())));
    if (it != object.MemberEnd()) {
        // Most members of an update repeat what is stored; comparing spares a free and a copy.
        if (it->value != value)
            it->value.CopyFrom(value, allocator);
        return;
    }
    object.AddMember(
        stored_value(key.data(), static_cast<rapidjson::SizeType>(key.size()), allocator),
        stored_value(value, allocator), allocator);
}

} // namespace

std::string_view object_state::merge(const std::string& key, const rapidjson::Value& update,
                                     std::string_view extra_key, std::string_view extra_value) {
    auto& object = objects_[key];
    if (!object.IsObject())
        object.SetObject();
    for (const auto& member : update.GetObject())
        set_member(object, {member.name.GetString(), member.name.GetStringLength()}, member.value);
    if (!extra_key.empty()) {
        rapidjson::Value value(rapidjson::StringRef(extra_value.data(), extra_value.size()));
        set_member(object, extra_key, value);
    }
    buffer_.Clear();
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer_);
    object.Accept(writer);
    return {buffer_.GetString(), buffer_.GetSize()};
}

void object_state::forget(std::string_view prefix) {
    std::erase_if(objects_, [&](const auto& entry) { return entry.first.starts_with(prefix); });
}

} // namespace mg::features
