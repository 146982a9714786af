#include "gateway/config/fingerprint.hpp"

#include <cctype>
#include <stdexcept>

namespace mg::config {

std::string normalize_fingerprint(std::string_view text) {
    constexpr std::size_t bytes = 32;
    const bool separated = text.size() == bytes * 3 - 1;
    if (!separated && text.size() != bytes * 2)
        throw std::invalid_argument("expected 32 bytes of SHA-256 in hex, like AB:CD:...");
    std::string out;
    out.reserve(bytes * 3 - 1);
    const std::size_t stride = separated ? 3 : 2;
    for (std::size_t i = 0; i < bytes; ++i) {
        const std::size_t at = i * stride;
        if (separated && i > 0 && text[at - 1] != ':')
            throw std::invalid_argument(
                "hex pairs must be separated by ':' throughout, or not at all");
        for (std::size_t k = at; k < at + 2; ++k) {
            const auto c = static_cast<unsigned char>(text[k]);
            if (!std::isxdigit(c))
                throw std::invalid_argument("fingerprint may only contain hex digits and ':'");
        }
        if (i > 0)
            out.push_back(':');
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(text[at]))));
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(text[at + 1]))));
    }
    return out;
}

} // namespace mg::config
