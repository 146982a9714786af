#include "gateway/mqtt/topics.hpp"

namespace mg::mqtt {

namespace {

bool needs_replacing(unsigned char c) {
    return c == '/' || c == '+' || c == '#' || c < 0x20 || c == 0x7F;
}

// Splits off the level before the next '/', advancing `rest` past it; `more` tells whether a
// separator followed, because "a/" has an empty second level while "a" has none.
std::string_view next_level(std::string_view& rest, bool& more) {
    const auto slash = rest.find('/');
    const auto level = rest.substr(0, slash);
    more = slash != std::string_view::npos;
    rest = more ? rest.substr(slash + 1) : std::string_view{};
    return level;
}

} // namespace

std::string sanitize_segment(std::string_view name) {
    if (name.empty())
        return "_";
    std::string out(name);
    for (auto& c : out) {
        if (needs_replacing(static_cast<unsigned char>(c)))
            c = '_';
    }
    return out;
}

bool topic_matches(std::string_view filter, std::string_view topic) {
    if (filter.empty() || topic.empty())
        return false;
    if (topic.front() == '$' && (filter.front() == '+' || filter.front() == '#'))
        return false;

    bool filter_more = true;
    bool topic_more = true;
    while (true) {
        const auto f = next_level(filter, filter_more);
        if (f == "#")
            return !filter_more;
        if (f != "+" && f.find_first_of("+#") != std::string_view::npos)
            return false;
        const auto t = next_level(topic, topic_more);
        if (f != "+" && f != t)
            return false;
        if (!filter_more)
            return !topic_more;
        if (!topic_more)
            return filter == "#"; // "a/#" also matches its parent "a"
    }
}

bool valid_topic_name(std::string_view topic) {
    return !topic.empty() && topic.size() <= 65535 &&
           topic.find_first_of(std::string_view("+#\0", 3)) == std::string_view::npos;
}

std::string join_topic(std::initializer_list<std::string_view> levels) {
    std::size_t size = levels.size();
    for (const auto level : levels)
        size += level.size();
    std::string out;
    out.reserve(size);
    bool first = true;
    for (const auto level : levels) {
        if (!first)
            out += '/';
        out += level;
        first = false;
    }
    return out;
}

} // namespace mg::mqtt
