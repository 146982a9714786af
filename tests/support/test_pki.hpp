#pragma once
// Certificates for TLS tests, made with the openssl command line into a private directory:
// a CA, a server certificate from it valid for 127.0.0.1 and localhost, a client certificate
// from it, and an unrelated CA that must not be trusted.

#include "tests/support/temp_dir.hpp"

#include <filesystem>

namespace mg::test {

class test_pki {
public:
    // Throws std::runtime_error with openssl's output when a step fails.
    test_pki();

    std::filesystem::path ca_cert;
    std::filesystem::path server_cert;
    std::filesystem::path server_key;
    std::filesystem::path client_cert;
    std::filesystem::path client_key;
    std::filesystem::path other_ca_cert;

private:
    temp_dir dir_{"mg-pki"};
};

} // namespace mg::test
