#pragma once
// The self-signed identity served with --tls, generated in memory at start.

#include <boost/asio/ssl/context.hpp>
#include <string>

namespace mg::sim {

struct tls_identity {
    std::string certificate_pem;
    std::string private_key_pem;
    std::string fingerprint; // SHA-256 of the DER certificate, "AB:CD:…"
};

// EC P-256 key; certificate for CN=mosaic-sim with SAN IP:127.0.0.1, valid for a year.
// Throws std::runtime_error when OpenSSL fails.
tls_identity make_self_signed_identity();

boost::asio::ssl::context make_server_context(const tls_identity& identity);

} // namespace mg::sim
