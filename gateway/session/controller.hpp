#pragma once
// What bridge features may ask of a controller: its name, an on-demand request over its one
// WebSocket, and a control command over its HTTP API. Implemented by controller_session; free
// of any socket type.

#include "gateway/protocol/control.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace mg::session {

class controller {
public:
    virtual ~controller() = default;
    virtual const std::string& name() const = 0;
    // The reply, or the failure, comes back as a link event carrying `tag`.
    virtual void request(std::string_view name, std::string_view params_json,
                         std::uint64_t tag) = 0;
    // The outcome comes back as a command_result event carrying `tag`, always exactly once.
    virtual void command(protocol::http_call call, std::uint64_t tag) = 0;
};

} // namespace mg::session
