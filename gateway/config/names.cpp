#include "gateway/config/names.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

namespace mg::config {
namespace {

[[noreturn]] void fail(const char* message) {
    throw std::invalid_argument(message);
}

void check_characters(std::string_view text) {
    if (text.find_first_of("+#") != std::string_view::npos)
        fail("must not contain the MQTT wildcards '+' or '#'");
    if (std::any_of(text.begin(), text.end(),
                    [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
        fail("must not contain NUL or control characters");
}

} // namespace

bool is_identifier(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '_' || c == '-';
    });
}

std::string_view reserved_controller_name(std::string_view name) {
    // P/gateway/status, P/gateway/info and P/gateway/stats are the only site-level topics
    // that are not a controller's. A new site-level topic adds its first level here.
    static constexpr std::array<std::string_view, 1> reserved{"gateway"};
    for (const auto word : reserved) {
        if (std::equal(name.begin(), name.end(), word.begin(), word.end(),
                       [](unsigned char a, unsigned char b) {
                           return std::tolower(a) == std::tolower(b);
                       }))
            return word;
    }
    return {};
}

void check_topic_prefix(std::string_view text) {
    if (text.empty())
        fail("must not be empty");
    check_characters(text);
    if (text.front() == '/' || text.back() == '/')
        fail("must not start or end with '/'");
    if (text.front() == '$')
        fail("must not start with '$' (brokers reserve those topics)");
}

void check_topic_suffix(std::string_view text) {
    if (text.empty())
        fail("must not be empty");
    check_characters(text);
    if (text.front() == '/' || text.back() == '/' || text.find("//") != std::string_view::npos)
        fail("must not have empty segments (leading, trailing or doubled '/')");
}

} // namespace mg::config
