#pragma once
// Certificate pinning by SHA-256 fingerprint, as `openssl x509 -fingerprint -sha256` prints it.

#include <string>
#include <string_view>

namespace mg::config {

// Accepts 32 bytes in hex, either as 64 digits or as 32 pairs separated by ':', in any case.
// Returns upper-case pairs joined by ':'. Throws std::invalid_argument otherwise.
std::string normalize_fingerprint(std::string_view text);

} // namespace mg::config
