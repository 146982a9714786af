#include "gateway/config/names.hpp"

#include <algorithm>
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
