#pragma once
// Builders for every frame of the Mosaic /query WebSocket, both directions.
// The gateway uses the client side; mosaic-sim uses the controller side.

#include <cstdint>
#include <string>
#include <string_view>

namespace mg::protocol {

// {"subscribe":"<channel>"[,"token":"…"]}
std::string subscribe_message(std::string_view channel, std::string_view token);

// {"request":"<name>","id":N,<params…>[,"token":"…"]}. `params_json` is empty or the text of a
// JSON object whose members become top-level keys (the controller's own query.js does this).
// Envelope keys among them are dropped, so a parameter cannot forge the envelope.
// Returns an empty string when `params_json` is not a JSON object.
std::string request_message(std::string_view name, std::uint64_t id, std::string_view params_json,
                            std::string_view token);

// {} or {"token":"…"}
std::string keepalive_message(std::string_view token);

// Controller side: {"request":"<name>","id":N,"data":<data_json>}
std::string reply_message(std::string_view name, std::uint64_t id, std::string_view data_json);

// Controller side: {"broadcast":"<channel>","data":<data_json>}
std::string broadcast_message(std::string_view channel, std::string_view data_json);

// Whether `text` parses as a JSON object within the payload depth bound (used to validate
// parameters before they travel).
bool is_json_object(std::string_view text);

// Keys that make a message a request, a subscription or a broadcast, or carry the session:
// request, id, token, subscribe, unsubscribe, broadcast. Never taken from outside parameters.
bool is_envelope_key(std::string_view key);

} // namespace mg::protocol
