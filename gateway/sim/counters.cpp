#include "gateway/sim/counters.hpp"

#include <algorithm>

namespace mg::sim {

void counters::tcp_opened() {
    ++tcp_current;
    ++tcp_total;
    tcp_max = std::max(tcp_max, tcp_current);
}

void counters::tcp_closed() {
    --tcp_current;
}

void counters::ws_opened() {
    ++ws_current;
    ++ws_total;
    ws_max = std::max(ws_max, ws_current);
}

void counters::ws_closed() {
    --ws_current;
}

void counters::reset() {
    counters fresh;
    fresh.tcp_current = tcp_current;
    fresh.tcp_max = tcp_current;
    fresh.ws_current = ws_current;
    fresh.ws_max = ws_current;
    *this = std::move(fresh);
}

void counters::write_members(json::writer& w) const {
    auto field = [&w](std::string_view name, std::uint64_t value) {
        json::key(w, name);
        w.Uint64(value);
    };
    field("tcp_current", tcp_current);
    field("tcp_max", tcp_max);
    field("tcp_total", tcp_total);
    field("ws_current", ws_current);
    field("ws_max", ws_max);
    field("ws_total", ws_total);
    field("auth_calls", auth_calls);
    field("auth_failures", auth_failures);
    field("refused", refused);
    field("http_requests", http_requests);
    field("control_calls", control_calls);
    field("control_rejected", control_rejected);
    field("triggers_fired", triggers_fired);
    field("messages_in", messages_in);
    field("messages_without_token", messages_without_token);
    field("messages_bad_token", messages_bad_token);
    field("invalid_in", invalid_in);
    field("keepalives_in", keepalives_in);
    field("messages_out", messages_out);
    json::key(w, "requests_by_name");
    w.StartObject();
    for (const auto& [name, count] : requests_by_name)
        field(name, count);
    w.EndObject();
}

} // namespace mg::sim
