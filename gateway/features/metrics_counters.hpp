#pragma once
// Per-controller traffic counters that only the event stream knows: messages received and
// rejected, and commands by result. Connection state, reconnects and authentications are read
// from the sessions themselves. The gateway puts both into one snapshot (metrics_text.hpp),
// which /metrics, /healthz, P/gateway/stats and /status.json all read.

#include "gateway/features/feature.hpp"
#include "gateway/features/metrics_text.hpp"

#include <map>
#include <string>

namespace mg::features {

class metrics_counters final : public feature {
public:
    struct counters {
        std::uint64_t messages_in = 0;
        std::uint64_t messages_rejected = 0;
        std::array<std::uint64_t, command_results.size()> commands{};
    };

    void on_controller_added(session::controller& c, const controller_context& context) override;
    void on_controller_removed(session::controller& c) override;
    void on_event(session::controller& c, const protocol::link_event& event) override;

    // Zero counters for a controller not seen yet.
    const counters& of(std::string_view controller) const;

private:
    std::map<std::string, counters, std::less<>> controllers_;
};

} // namespace mg::features
