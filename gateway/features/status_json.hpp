#pragma once
// The JSON views of the gateway's one counter set (metrics_text.hpp): the P/gateway/stats
// payload and GET /status.json (CONTRACT §9, README "Status page"). Pure: the caller supplies
// the snapshot, the status board's events and the broker's state.

#include "gateway/features/metrics_text.hpp"
#include "gateway/features/status_board.hpp"

#include <deque>
#include <string>
#include <string_view>

namespace mg::features {

// `{"messages_in","rejected","reconnects","auth_renewals","messages_out","dropped","buffered",
// "mqtt_reconnects","controllers":{"<name>":{"live","messages_in","rejected","reconnects",
// "auth_renewals"}}}`, the totals over every controller first.
std::string stats_json(const metrics_snapshot& snapshot);

struct broker_status {
    bool connected = false;
    std::string_view url;   // the configured broker URLs, without credentials
    std::string_view since; // UTC ISO 8601 of the last change; empty: never connected
};

struct status_report {
    const metrics_snapshot& counters;
    std::string_view started; // UTC ISO 8601
    broker_status broker;
    const std::deque<status_board::event>& events; // oldest first
};

// Appends `{"site","version","started","broker":{"connected","url","since"},"controllers":[...],
// "events":[...]}`: controllers in name order, events newest first.
void write_status_json(std::string& out, const status_report& report);

} // namespace mg::features
