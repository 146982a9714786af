#pragma once
// Pure MQTT topic helpers: building topics from names and matching them against filters.

#include <initializer_list>
#include <string>
#include <string_view>

namespace mg::mqtt {

// Makes a name safe as one topic level (README "MQTT topics"): `/`, `+`, `#` and control characters
// become `_`, so a name can neither add levels nor turn into a wildcard. An empty name becomes
// `_` because an empty level would make two different names collide with their parent.
std::string sanitize_segment(std::string_view name);

// Whether `topic` matches `filter` under the MQTT rules: `+` is exactly one level, `#` as the
// last level is that level's parent and everything below it. Topics starting with `$` are not
// matched by a leading wildcard. A malformed filter (a wildcard that is not a whole level, `#`
// before the end) matches nothing.
bool topic_matches(std::string_view filter, std::string_view topic);

// Whether a broker accepts `topic` as the name of a published message: not empty, no
// wildcard, no NUL, at most 65535 bytes. Publishing anything else makes a broker drop the
// connection, which a cached retained value would then repeat after every reconnect.
bool valid_topic_name(std::string_view topic);

// Joins levels with '/'. The levels are taken as they are; sanitize names first.
std::string join_topic(std::initializer_list<std::string_view> levels);

} // namespace mg::mqtt
