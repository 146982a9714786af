#include "gateway/config/names.hpp"
#include "gateway/config/sections.hpp"

#include <array>
#include <stdexcept>

namespace mg::config::detail {
namespace {

constexpr std::array<std::string_view, 3> homeassistant_keys{"enabled", "prefix", "status_topic"};

// Both are whole topics: the prefix has `/device/<id>/config` appended, the status topic is
// subscribed to as it is, so neither may hold a wildcard.
std::string read_topic(const reader& in, const field& f) {
    auto topic = in.text(f);
    try {
        check_topic_prefix(topic);
    } catch (const std::invalid_argument& e) {
        in.fail(f, e.what());
    }
    return topic;
}

} // namespace

homeassistant_settings read_homeassistant(const reader& in, const field& f) {
    const map_reader map(in, f, homeassistant_keys);
    homeassistant_settings out;
    if (const auto enabled = map.get("enabled"))
        out.enabled = in.boolean(*enabled);
    if (const auto prefix = map.get("prefix"))
        out.prefix = read_topic(in, *prefix);
    if (const auto status = map.get("status_topic"))
        out.status_topic = read_topic(in, *status);
    return out;
}

} // namespace mg::config::detail
