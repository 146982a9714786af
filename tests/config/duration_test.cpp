#include "gateway/config/duration.hpp"

#include <gtest/gtest.h>
#include <stdexcept>

namespace mg::config {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

struct duration_case {
    const char* text;
    duration expected;
};

class DurationParsing : public ::testing::TestWithParam<duration_case> {};

TEST_P(DurationParsing, ReadsValue) {
    EXPECT_EQ(parse_duration(GetParam().text), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    AcceptedSpellings, DurationParsing,
    ::testing::Values(duration_case{"500ms", milliseconds(500)}, duration_case{"10s", seconds(10)},
                      duration_case{"5m", minutes(5)}, duration_case{"1h", hours(1)},
                      duration_case{"30", seconds(30)}, duration_case{"0", seconds(0)},
                      duration_case{"0ms", milliseconds(0)},
                      duration_case{"1.5s", milliseconds(1500)},
                      duration_case{"0.25", milliseconds(250)}, duration_case{"0.5m", seconds(30)},
                      duration_case{"1.000s", seconds(1)}, duration_case{"168h", hours(168)},
                      duration_case{"007s", seconds(7)}));

class DurationRejection : public ::testing::TestWithParam<const char*> {};

TEST_P(DurationRejection, ThrowsInvalidArgument) {
    EXPECT_THROW(parse_duration(GetParam()), std::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(BadSpellings, DurationRejection,
                         ::testing::Values("", "s", "ms", "10 s", " 10s", "10s ", "-1s", "+1s",
                                           "10sec", "10S", "1d", "1.s", ".5s", "1..5s", "0x10",
                                           "1e3", "0.5ms", "1.0001s", "169h", "10081m",
                                           "99999999999999999999", "1.0000000001s"));

TEST(Duration, ExplainsAcceptedForms) {
    try {
        parse_duration("soon");
        FAIL() << "accepted 'soon'";
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(),
                     "expected a duration like 500ms, 10s, 5m, 1h or a number of seconds");
    }
}

TEST(Duration, RefusesMoreThanAWeekWithLimitInMessage) {
    try {
        parse_duration("200h");
        FAIL() << "accepted 200h";
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(), "duration must not exceed 168h");
    }
}

struct format_case {
    duration value;
    const char* expected;
};

class DurationFormatting : public ::testing::TestWithParam<format_case> {};

TEST_P(DurationFormatting, UsesLargestExactUnit) {
    EXPECT_EQ(format_duration(GetParam().value), GetParam().expected);
    EXPECT_EQ(parse_duration(GetParam().expected), GetParam().value);
}

INSTANTIATE_TEST_SUITE_P(
    Units, DurationFormatting,
    ::testing::Values(format_case{milliseconds(0), "0s"}, format_case{milliseconds(500), "500ms"},
                      format_case{milliseconds(1500), "1500ms"}, format_case{seconds(10), "10s"},
                      format_case{seconds(90), "90s"}, format_case{minutes(5), "5m"},
                      format_case{minutes(90), "90m"}, format_case{hours(1), "1h"}));

} // namespace
} // namespace mg::config
