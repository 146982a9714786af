#pragma once
// Reading the action lists that sans-I/O state machines (link, control queue) return.

#include <variant>
#include <vector>

namespace mg::test {

// Every action of type T, in order.
template <typename T, typename... Actions>
std::vector<T> all_of(const std::vector<std::variant<Actions...>>& actions) {
    std::vector<T> found;
    for (const auto& a : actions) {
        if (const auto* x = std::get_if<T>(&a))
            found.push_back(*x);
    }
    return found;
}

template <typename T, typename... Actions>
bool has(const std::vector<std::variant<Actions...>>& actions) {
    return !all_of<T>(actions).empty();
}

} // namespace mg::test
