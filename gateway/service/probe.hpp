#pragma once
// `mosaic-gateway -c FILE --probe NAME` (README "Commissioning a site"): tries one controller
// step by step with the gateway's own session code and reports what it found. Inside the
// controller's budget: one connection at a time (the connect check, authentication, then the
// one WebSocket), no control call, and nothing left open when it returns.

#include "gateway/config/site_config.hpp"
#include "gateway/protocol/traffic.hpp"
#include "gateway/service/probe_report.hpp"

#include <chrono>

namespace mg::service {

struct probe_settings {
    std::chrono::milliseconds listen{5000}; // --probe-time
    protocol::traffic_observer observer;    // --capture
};

probe_report run_probe(const config::controller_settings& target, const probe_settings& settings);

} // namespace mg::service
