#include "gateway/config/suggest.hpp"

#include <array>
#include <gtest/gtest.h>

namespace mg::config {
namespace {

struct distance_case {
    const char* a;
    const char* b;
    std::size_t expected;
};

class EditDistance : public ::testing::TestWithParam<distance_case> {};

TEST_P(EditDistance, CountsEdits) {
    EXPECT_EQ(edit_distance(GetParam().a, GetParam().b), GetParam().expected);
    EXPECT_EQ(edit_distance(GetParam().b, GetParam().a), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Slips, EditDistance,
    ::testing::Values(distance_case{"", "", 0}, distance_case{"", "abc", 3},
                      distance_case{"keepalive", "keepalive", 0},
                      distance_case{"keepalve", "keepalive", 1}, distance_case{"qso", "qos", 1},
                      distance_case{"tsl", "tls", 1}, distance_case{"url", "uri", 1},
                      distance_case{"kitten", "sitting", 3}, distance_case{"ca", "abc", 3}));

constexpr std::array<std::string_view, 5> keys{"name", "url", "keepalive", "request_timeout",
                                               "password_file"};

TEST(Suggest, OffersClosestKey) {
    EXPECT_EQ(closest_match("keepalve", keys), "keepalive");
    EXPECT_EQ(closest_match("requst_timeout", keys), "request_timeout");
    EXPECT_EQ(closest_match("pasword_file", keys), "password_file");
    EXPECT_EQ(closest_match("nmae", keys), "name");
}

TEST(Suggest, IgnoresCase) {
    EXPECT_EQ(closest_match("URL", keys), "url");
    EXPECT_EQ(closest_match("KeepAlive", keys), "keepalive");
}

TEST(Suggest, OffersNothingWhenTooFar) {
    EXPECT_EQ(closest_match("colour", keys), std::nullopt);
    EXPECT_EQ(closest_match("x", keys), std::nullopt);
    EXPECT_EQ(closest_match("password", keys), std::nullopt);
}

TEST(Suggest, FormatsHint) {
    EXPECT_EQ(did_you_mean("keepalve", keys), " (did you mean 'keepalive'?)");
    EXPECT_EQ(did_you_mean("colour", keys), "");
}

} // namespace
} // namespace mg::config
