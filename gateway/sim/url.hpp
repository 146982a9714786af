#pragma once
// Request-target and form parsing for the simulator's HTTP endpoints.

#include <map>
#include <string>
#include <string_view>

namespace mg::sim {

struct split_target_result {
    std::string_view path;
    std::string_view query; // without the '?'
};

split_target_result split_target(std::string_view target);

// Decodes %XX escapes and '+' (form encoding); malformed escapes are kept verbatim.
std::string url_decode(std::string_view text);

// "a=1&b=two" (query strings and application/x-www-form-urlencoded bodies).
std::map<std::string, std::string, std::less<>> parse_form(std::string_view text);

} // namespace mg::sim
