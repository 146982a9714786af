#include "gateway/sim/num_filter.hpp"

#include <charconv>

namespace mg::sim {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    return s;
}

std::optional<int> to_int(std::string_view s) {
    s = trim(s);
    int value = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (s.empty() || ec != std::errc{} || ptr != s.data() + s.size() || value < 0)
        return std::nullopt;
    return value;
}

} // namespace

std::optional<num_filter> num_filter::parse(std::string_view text) {
    num_filter filter;
    filter.all_ = false;
    while (true) {
        const auto comma = text.find(',');
        const auto item = text.substr(0, comma);
        const auto dash = item.find('-');
        const auto first = to_int(item.substr(0, dash));
        const auto last = dash == std::string_view::npos ? first : to_int(item.substr(dash + 1));
        if (!first || !last || *last < *first)
            return std::nullopt;
        filter.ranges_.emplace_back(*first, *last);
        if (comma == std::string_view::npos)
            return filter;
        text.remove_prefix(comma + 1);
    }
}

num_filter num_filter::single(int num) {
    num_filter filter;
    filter.all_ = false;
    filter.ranges_.emplace_back(num, num);
    return filter;
}

num_filter num_filter::nothing() {
    num_filter filter;
    filter.all_ = false;
    return filter;
}

bool num_filter::matches(int num) const {
    if (all_)
        return true;
    for (const auto& [first, last] : ranges_)
        if (num >= first && num <= last)
            return true;
    return false;
}

} // namespace mg::sim
