#pragma once
// One-shot `POST /authenticate` (docs/protocol.md §2.2): one TCP connection, one request, closed.

#include "gateway/config/site_config.hpp"
#include "gateway/protocol/traffic.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <functional>
#include <memory>
#include <string>

namespace mg::session {

struct auth_result {
    enum class outcome { token, rejected, failed } kind;
    std::string value; // the token, or why it did not work (never the password)
    unsigned http_status = 0;
};

// Runs the request; `done` is called exactly once, on the executor. `observe` sees the request
// and its answer (`--capture`).
void authenticate(boost::asio::any_io_executor executor, const config::controller_settings& target,
                  std::shared_ptr<boost::asio::ssl::context> tls_context,
                  std::function<void(auth_result)> done, protocol::traffic_observer observe = {});

// The decision on a response, kept apart from the socket work: a token in a 2xx JSON body
// is success; a redirect, a 4xx or a 2xx without a token means the credentials were rejected;
// a 5xx is a failure worth retrying with backoff.
auth_result interpret_auth_response(unsigned status, std::string_view body);

} // namespace mg::session
