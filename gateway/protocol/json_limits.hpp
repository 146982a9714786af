#pragma once
// Bounds on JSON from outside (controller frames, MQTT payloads, HTTP bodies).
//
// Such text is parsed with RapidJSON's iterative parser, so no depth can exhaust the stack
// while parsing. What walks a document afterwards (writers, comparisons, copies) recurses,
// so a document nested deeper than the bound is refused before it is parsed at all.

#include <cstddef>
#include <rapidjson/document.h>
#include <string_view>

namespace mg::protocol {

// Deeper than anything a controller documents (a remote device's physical devices sit at
// depth 5; Lua tables pushed to the web may nest further).
inline constexpr std::size_t max_frame_depth = 64;
// Inbound MQTT payloads, `/get` and `/set` (README "MQTT topics").
inline constexpr std::size_t max_payload_depth = 32;
inline constexpr std::size_t max_payload_bytes = 4096;
// Retained Home Assistant discovery configs under its prefix, which many programs write: the
// gateway's own for a controller with hundreds of objects take some 100 KiB.
inline constexpr std::size_t max_discovery_bytes = 512 * 1024;

// Whether no array or object in `text` is nested deeper than `max_depth`. A linear scan that
// skips strings; it does not validate the JSON.
bool nesting_within(std::string_view text, std::size_t max_depth);

// Parses `text` into `doc` iteratively, refusing nesting deeper than `max_depth`. False on
// any error; `doc` is then not to be used.
template <typename Document>
bool parse_bounded(Document& doc, std::string_view text, std::size_t max_depth) {
    if (!nesting_within(text, max_depth))
        return false;
    doc.template Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
    return !doc.HasParseError();
}

} // namespace mg::protocol
