#pragma once
// Certificate and key files loaded into a real TLS context (OpenSSL), the way the daemon's
// connections load them, so that `--check` and a reload meet every problem a connection
// would meet later (CONTRACT §2, "validate by loading").

#include <optional>
#include <string>
#include <string_view>

namespace mg::config {

// What keeps PEM text from serving as a CA file (trusted certificates), or nothing. Problems
// read after the file's name: "holds no PEM certificate".
std::optional<std::string> ca_file_problem(std::string_view pem);

struct key_pair_problem {
    bool in_key; // false: the certificate file is at fault
    std::string message;
};

// What keeps a client certificate chain and its private key from serving together, or
// nothing. An encrypted key counts as a problem: nobody is there to type its passphrase.
std::optional<key_pair_problem> client_key_pair_problem(std::string_view cert_pem,
                                                        std::string_view key_pem);

} // namespace mg::config
