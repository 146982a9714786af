#pragma once
// Small text helpers shared by the layers above.

#include <string>
#include <string_view>

namespace mg::protocol {

// ASCII letters folded to lower case; every other byte (UTF-8 included) left as it is, so
// the result never depends on the process locale.
inline std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

} // namespace mg::protocol
