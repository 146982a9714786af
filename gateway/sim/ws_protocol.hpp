#pragma once
// What a simulated controller does with each frame a WebSocket client sends
// (docs/protocol.md §2–§4).

#include <cstdint>
#include <string_view>

namespace mg::sim {

class controller;

// A text frame: subscribe, request or keep-alive, checked against security when it is on.
void handle_client_text(controller& owner, std::uint64_t connection, std::string_view text);

// Clients have no reason to send binary frames; they are counted as invalid and ignored.
void handle_client_binary(controller& owner, std::uint64_t connection);

} // namespace mg::sim
