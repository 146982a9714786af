#pragma once
// Rules for the names and topic pieces a site file supplies. Each of them ends up inside MQTT
// topics, so they must never carry wildcards or break the topic structure.

#include <string_view>

namespace mg::config {

// Site and controller names: one topic segment of [A-Za-z0-9_-]+.
bool is_identifier(std::string_view text);

// Controller names the topic tree uses itself at the site level, P/<name>/...: a controller of
// that name would share its topics with the gateway's. Compared ignoring case, since some
// consumers (entity ids, file names) fold case. Empty when `name` is free.
std::string_view reserved_controller_name(std::string_view name);

// The checks below throw std::invalid_argument with a message fit for a user.

// base_topic: non-empty, no wildcard or NUL, no leading or trailing '/', and no leading '$',
// which brokers reserve for their own topics.
void check_topic_prefix(std::string_view text);

// A poll topic below a controller's topic: one or more non-empty segments, no wildcard, NUL or
// control character.
void check_topic_suffix(std::string_view text);

} // namespace mg::config
