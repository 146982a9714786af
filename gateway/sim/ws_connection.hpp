#pragma once
// Starts the WebSocket side of a controller connection once /query asked for an upgrade.

#include "gateway/sim/connection.hpp"
#include "gateway/sim/streams.hpp"

namespace mg::sim {

void start_ws_connection(plain_stream stream, connection_slot slot, http_request_message upgrade);
void start_ws_connection(tls_stream stream, connection_slot slot, http_request_message upgrade);

} // namespace mg::sim
