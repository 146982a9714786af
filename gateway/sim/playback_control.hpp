#pragma once
// POST /api/timeline and POST /api/scene: the playback actions, applied to the show and
// broadcast to subscribers as the controller itself would.

namespace mg::sim {

class controller;
class control_body;

// Each throws bad_call for a body the controller rejects (400).
void control_timeline(controller& owner, const control_body& body);
void control_scene(controller& owner, const control_body& body);

} // namespace mg::sim
