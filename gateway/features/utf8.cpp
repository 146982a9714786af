#include "gateway/features/utf8.hpp"

#include <cstddef>

namespace mg::features {
namespace {

// Length of the well-formed UTF-8 sequence at s[i], or 0 when it is not one. On 0, *bad holds the
// length of the maximal ill-formed subpart, which is what one U+FFFD replaces (Unicode §3.9).
std::size_t utf8_sequence(std::string_view s, std::size_t i, std::size_t* bad) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char lead = byte(i);
    *bad = 1;
    if (lead < 0x80)
        return 1;
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;  // overlong
        high = lead == 0xED ? 0x9F : 0xBF; // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;  // overlong
        high = lead == 0xF4 ? 0x8F : 0xBF; // beyond U+10FFFF
    } else {
        return 0;
    }
    for (std::size_t k = 1; k < length; ++k) {
        if (i + k >= s.size())
            return 0;
        const unsigned char c = byte(i + k);
        if (c < low || c > high)
            return 0;
        low = 0x80;
        high = 0xBF;
        *bad = k + 1;
    }
    return length;
}

} // namespace

bool repair_utf8(std::string_view s, std::string& out) {
    std::size_t i = 0;
    std::size_t bad = 0;
    while (i < s.size()) {
        const std::size_t n = utf8_sequence(s, i, &bad);
        if (n == 0)
            break;
        i += n;
    }
    if (i == s.size())
        return false;
    out.assign(s.substr(0, i));
    while (i < s.size()) {
        if (const std::size_t n = utf8_sequence(s, i, &bad); n != 0) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            out.append("\xEF\xBF\xBD");
            i += bad;
        }
    }
    return true;
}

std::string valid_utf8(std::string_view s) {
    std::string repaired;
    return repair_utf8(s, repaired) ? repaired : std::string(s);
}

} // namespace mg::features
