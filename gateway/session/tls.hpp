#pragma once
// TLS toward a controller: CA verification, or a pinned certificate fingerprint for the
// self-signed certificates controllers usually carry.

#include "gateway/config/site_config.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/verify_context.hpp>
#include <memory>
#include <string>

namespace mg::session {

// Throws std::runtime_error with a clear message when a file cannot be loaded.
std::shared_ptr<boost::asio::ssl::context>
make_client_tls_context(const std::optional<config::controller_tls>& tls);

// SHA-256 of the DER certificate as upper-case hex pairs joined by ':'.
std::string certificate_fingerprint(X509* certificate);

// The verification callback for a connection: with a pin, only the leaf certificate's
// fingerprint matters; otherwise the chain and the host name are checked, unless disabled.
class certificate_check {
public:
    certificate_check(std::optional<config::controller_tls> tls, std::string host);
    bool operator()(bool preverified, boost::asio::ssl::verify_context& context);
    const std::string& failure() const { return *failure_; }

private:
    std::optional<config::controller_tls> tls_;
    std::string host_;
    std::shared_ptr<std::string> failure_; // shared: asio copies the callback
};

} // namespace mg::session
