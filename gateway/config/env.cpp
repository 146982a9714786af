#include "gateway/config/env.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace mg::config {
namespace {

bool is_variable_name(std::string_view name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())))
        return false;
    return std::all_of(name.begin(), name.end(),
                       [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

} // namespace

std::string expand_env(std::string_view text, const env_lookup& env) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const auto start = text.find("${", i);
        if (start == std::string_view::npos) {
            out.append(text.substr(i));
            break;
        }
        out.append(text.substr(i, start - i));
        const auto close = text.find('}', start + 2);
        if (close == std::string_view::npos)
            throw std::invalid_argument("'${' without a closing '}'");
        const std::string name(text.substr(start + 2, close - start - 2));
        if (!is_variable_name(name))
            throw std::invalid_argument(
                "'${...}' must hold an environment variable name (letters, digits and '_')");
        const auto value = env(name);
        if (!value)
            throw std::invalid_argument("environment variable '" + name + "' is not set");
        out.append(*value);
        i = close + 1;
    }
    return out;
}

} // namespace mg::config
