#pragma once
// "Did you mean" hints, so that a typo in a key or a name is both refused and easy to fix.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mg::config {

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
// neighbouring characters each cost one, which covers the usual typing slips.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to word, ignoring case, if it is close enough to be a plausible slip: at
// most one edit for short words, up to three for long ones. Ties go to the earlier candidate.
std::optional<std::string_view> closest_match(std::string_view word,
                                              std::span<const std::string_view> candidates);

// " (did you mean 'x'?)", or "" when nothing is close.
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

} // namespace mg::config
