#pragma once
// Per-object merged state: every attribute ever learnt for an object (from request replies and
// broadcasts) with the latest value of each laid over the older ones (README "MQTT topics").

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mg::features {

class object_state {
public:
    // Lays the members of `update` (an object) over the object stored under `key`, sets
    // `extra_key` to `extra_value` when given, and returns the merged object as compact JSON.
    // The view is valid until the next call.
    std::string_view merge(const std::string& key, const rapidjson::Value& update,
                           std::string_view extra_key = {}, std::string_view extra_value = {});

    // Drops every object whose key starts with `prefix` (a controller that was removed).
    void forget(std::string_view prefix);
    // Drops one object (gone from the controller's project).
    void erase(const std::string& key) { objects_.erase(key); }

    std::size_t size() const { return objects_.size(); }

private:
    // malloc-backed, so values replaced by a merge are freed; a pool allocator per object
    // would only ever grow under a stream of updates.
    using stored_object = rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::CrtAllocator>;

    std::unordered_map<std::string, stored_object> objects_;
    rapidjson::StringBuffer buffer_;
};

} // namespace mg::features
