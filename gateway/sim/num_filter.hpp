#pragma once
// The `num` parameter of timeline/scene/group/playback_group requests: "3", "1,2,5-9".

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace mg::sim {

class num_filter {
public:
    // Matches every number (the parameter was absent).
    num_filter() = default;

    // nullopt when the text is not a comma list of numbers and ranges.
    static std::optional<num_filter> parse(std::string_view text);
    static num_filter single(int num);
    // What a malformed parameter selects.
    static num_filter nothing();

    bool matches(int num) const;

private:
    bool all_ = true;
    std::vector<std::pair<int, int>> ranges_;
};

} // namespace mg::sim
