#pragma once
// The controller's HTTP control API (every /api/* call but a GET): timeline, scene, group,
// content_target, trigger, text_slot and beacon. Checks the body, applies the change to the show
// and broadcasts it to WebSocket subscribers, as a real controller does.
//
// Success is 204 No Content. A bad action, a missing or unknown object number, a wrong type, a
// null, an unexpected attribute or a level out of range is 400 {"error":"…"}: the docs leave the
// unknown-number answer open, and 400 is what a client must treat as "rejected" anyway. A group
// master on Atlas/Atlas Pro, or a content target elsewhere, is 400 too. A method an endpoint does
// not take is 405; an endpoint that does not exist is 404.

#include "gateway/sim/http_handler.hpp"

#include <string_view>

namespace mg::sim {

class controller;

// `name`: the path after "/api/". Security has been checked by the caller.
http_reply handle_http_control(controller& owner, std::string_view method, std::string_view name,
                               std::string_view body);

} // namespace mg::sim
