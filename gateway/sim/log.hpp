#pragma once
// Human-readable diagnostics on stderr; stdout carries only the ready line.

#include <boost/system/error_code.hpp>
#include <string_view>

namespace mg::sim {

void log_info(std::string_view text);

// Reports a failed asynchronous step. Ordinary disconnects (peer closed, cancelled by a fault or
// shutdown) are expected in a simulator that tests reconnects, so they stay quiet.
void fail(const boost::system::error_code& ec, std::string_view what);

} // namespace mg::sim
