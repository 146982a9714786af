#pragma once
// Parsing of what the controller sends: one text or binary WebSocket frame at a time.
// The envelope varies between channels (docs/protocol.md §4.5), so this only extracts what is
// there; the link decides what a frame means given the requests it has pending.

#include <cstdint>
#include <optional>
#include <rapidjson/document.h>
#include <span>
#include <string>
#include <string_view>

namespace mg::protocol {

enum class frame_kind {
    message,         // a JSON object with data (reply, broadcast or bare data)
    keepalive_ack,   // {} (security off)
    session_key,     // binary, non-zero: the session is alive
    session_expired, // binary, all zero: authenticate again
    redirect,        // {"redirect": …}: not authorised
    invalid,         // not JSON, not an object, or an unknown shape
};

struct frame {
    frame_kind kind = frame_kind::invalid;
    std::string_view broadcast; // value of "broadcast", if any
    std::string_view request;   // value of "request", if any
    std::optional<std::uint64_t> id;
    const rapidjson::Value* data = nullptr; // the "data" member, if any
    std::string_view token;                 // a fresh "token" the controller handed out
    std::string_view error;                 // why a frame is invalid
};

// Parses one frame at a time; the views in the returned frame stay valid until the next call.
class frame_parser {
public:
    frame_parser() = default;
    frame_parser(const frame_parser&) = delete;
    frame_parser& operator=(const frame_parser&) = delete;

    frame parse_text(std::string_view text);
    static frame parse_binary(std::span<const std::uint8_t> bytes);

private:
    // Each frame's DOM lives in a pool that starts in this arena and is cleared, not freed,
    // before the next frame: typical frames parse without touching the heap.
    alignas(8) char arena_[16 * 1024];
    rapidjson::MemoryPoolAllocator<> pool_{arena_, sizeof arena_};
    rapidjson::Document document_{&pool_};
};

// Channel name for a message that carries neither `broadcast` nor a known `request`,
// recognised by the keys inside its data (remote_devices, content_targets, modules, log).
std::string_view channel_from_data(const rapidjson::Value& data);

} // namespace mg::protocol
