#include "gateway/protocol/log_entry.hpp"

#include <cstdint>
#include <gtest/gtest.h>
#include <ostream>
#include <random>
#include <string>
#include <vector>

namespace mg::protocol {
// Readable failure output; internal linkage so other test files may define their own.
[[maybe_unused]] static void PrintTo(const log_entry& e, std::ostream* os) {
    *os << "{category " << e.category << ", level " << e.level << ", offset " << e.offset_min
        << ", utc " << e.utc << ", text " << ::testing::PrintToString(e.text) << "}";
}
} // namespace mg::protocol

namespace {

using mg::protocol::log_entry;
using mg::protocol::pack_log_entry;
using mg::protocol::parse_log;
using namespace std::string_literals;

// 2025-08-04 09:07:35 UTC, the documented example's timestamp.
constexpr std::int64_t documented_utc = 1754298455;

const std::string documented_first =
    "\x07\x15\x04"s + "5dc 68907857ACTION Start Timeline Timeline 2";
const std::string documented_second = "\x07\x16\x04"s + "5dc 68907857Web API: Enqueue trigger 2";
const std::string documented_log = documented_first + "\n" + documented_second;

const log_entry documented_first_entry{21, 4, 60, documented_utc,
                                       "ACTION Start Timeline Timeline 2"};
const log_entry documented_second_entry{22, 4, 60, documented_utc, "Web API: Enqueue trigger 2"};

TEST(LogParser, DecodesDocumentedTriggerEntry) {
    std::size_t malformed = 0;
    const auto entries = parse_log(documented_first + "\n", &malformed);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].category, 21);
    EXPECT_EQ(entries[0].level, 4);
    EXPECT_EQ(entries[0].offset_min, 60);
    EXPECT_EQ(entries[0].utc, documented_utc);
    EXPECT_EQ(entries[0].text, "ACTION Start Timeline Timeline 2");
    EXPECT_EQ(malformed, 0u);
}

TEST(LogParser, DecodesDocumentedTwoEntryExample) {
    std::size_t malformed = 0;
    const auto entries = parse_log(documented_log, &malformed);
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0], documented_first_entry);
    EXPECT_EQ(entries[1], documented_second_entry);
    EXPECT_EQ(mg::protocol::category_name(entries[0].category), "Trigger");
    EXPECT_EQ(mg::protocol::category_name(entries[1].category), "Controller API");
    EXPECT_EQ(mg::protocol::level_name(entries[0].level), "Normal");
    EXPECT_EQ(malformed, 0u);
}

struct single_entry_case {
    const char* name;
    std::string packed;
    log_entry expected;
};

class LogParserSingleEntry : public ::testing::TestWithParam<single_entry_case> {};

TEST_P(LogParserSingleEntry, DecodesFieldsPositionally) {
    std::size_t malformed = 0;
    const auto entries = parse_log(GetParam().packed, &malformed);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0], GetParam().expected);
    EXPECT_EQ(malformed, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Fields, LogParserSingleEntry,
    ::testing::Values(
        single_entry_case{"DebugLevelEqualsMarker",
                          "\x07\x10\x07"s + "5dc 68907857Lua debug",
                          {16, 7, 60, documented_utc, "Lua debug"}},
        single_entry_case{"UppercaseOffset",
                          "\x07\x12\x04"s + "5DC 68907857Clock set",
                          {18, 4, 60, documented_utc, "Clock set"}},
        single_entry_case{
            "MixedCaseTimestamp", "\x07\x12\x04"s + "5dC 6890AbCdx", {18, 4, 60, 0x6890ABCD, "x"}},
        single_entry_case{"OneDigitOffset",
                          "\x07\x10\x02"s + "0 68907857Boot",
                          {16, 2, -1440, documented_utc, "Boot"}},
        single_entry_case{"TwoDigitOffset",
                          "\x07\x10\x03"s + "ff 68907857Boot",
                          {16, 3, 255 - 1440, documented_utc, "Boot"}},
        single_entry_case{"NegativeOffset",
                          "\x07\x14\x05"s + "4b0 68907857Input 3 high",
                          {20, 5, -240, documented_utc, "Input 3 high"}},
        single_entry_case{"ZeroOffset",
                          "\x07\x14\x05"s + "5a0 68907857UTC site",
                          {20, 5, 0, documented_utc, "UTC site"}},
        single_entry_case{"TextStartingWithHexLetters",
                          "\x07\x15\x04"s + "5dc 68907857ACDC 12",
                          {21, 4, 60, documented_utc, "ACDC 12"}},
        single_entry_case{"TextStartingWithDigits",
                          "\x07\x15\x04"s + "5dc 6890785712345678",
                          {21, 4, 60, documented_utc, "12345678"}},
        single_entry_case{"NewlineInsideText",
                          "\x07\x17\x06"s + "5dc 68907857line 1\nline 2",
                          {23, 6, 60, documented_utc, "line 1\nline 2"}},
        single_entry_case{"NewlineBeforeNonMarkerControl",
                          "\x07\x17\x06"s + "5dc 68907857a\n\x15" + "b",
                          {23, 6, 60, documented_utc, "a\n\x15"s + "b"}},
        single_entry_case{"TrailingNewlineNotInText",
                          "\x07\x11\x04"s + "5dc 68907857Loaded\n",
                          {17, 4, 60, documented_utc, "Loaded"}},
        single_entry_case{"DoubleTrailingNewlineKeepsOne",
                          "\x07\x11\x04"s + "5dc 68907857Loaded\n\n",
                          {17, 4, 60, documented_utc, "Loaded\n"}},
        single_entry_case{
            "EmptyText", "\x07\x11\x04"s + "5dc 68907857", {17, 4, 60, documented_utc, ""}},
        single_entry_case{"TimestampZero", "\x07\x11\x04"s + "5dc 00000000x", {17, 4, 60, 0, "x"}},
        single_entry_case{
            "TimestampMax", "\x07\x11\x04"s + "5dc ffffffffx", {17, 4, 60, 0xFFFFFFFF, "x"}},
        single_entry_case{"UndocumentedCodesKept",
                          "\x07\x1f\x01"s + "5dc 68907857new",
                          {31, 1, 60, documented_utc, "new"}},
        single_entry_case{"NonAsciiTextKeptAsBytes",
                          "\x07\x15\x04"s + "5dc 68907857Caf\xc3\xa9",
                          {21, 4, 60, documented_utc, "Caf\xc3\xa9"}}),
    [](const auto& info) { return std::string{info.param.name}; });

TEST(LogParser, KeepsBackToBackDebugEntriesApart) {
    std::size_t malformed = 0;
    const auto entries = parse_log(
        "\x07\x07\x07"s + "5dc 68907857a\n\x07\x13\x07" + "5dc 68907857\x07\n", &malformed);
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0], (log_entry{7, 7, 60, documented_utc, "a"}));
    EXPECT_EQ(entries[1], (log_entry{19, 7, 60, documented_utc, "\x07"}));
    EXPECT_EQ(malformed, 0u);
}

TEST(LogParser, EmptyStringYieldsNothing) {
    std::size_t malformed = 0;
    EXPECT_TRUE(parse_log("", &malformed).empty());
    EXPECT_EQ(malformed, 0u);
}

TEST(LogParser, SkipsGarbageBeforeFirstMarker) {
    std::size_t malformed = 0;
    const auto entries = parse_log("junk 5dc 68907857 \n" + documented_log, &malformed);
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0], documented_first_entry);
    EXPECT_EQ(entries[1], documented_second_entry);
    EXPECT_EQ(malformed, 1u);
}

TEST(LogParser, GarbageWithoutMarkerYieldsNothing) {
    std::size_t malformed = 0;
    EXPECT_TRUE(parse_log("no entries here\n", &malformed).empty());
    EXPECT_EQ(malformed, 1u);
}

TEST(LogParser, WorksWithoutMalformedCounter) {
    EXPECT_EQ(parse_log("junk" + documented_log).size(), 2u);
}

TEST(LogParser, AddsToExistingMalformedCount) {
    std::size_t malformed = 5;
    parse_log("junk", &malformed);
    EXPECT_EQ(malformed, 6u);
}

struct malformed_case {
    const char* name;
    std::string entry; // spliced between the two documented entries
};

class LogParserMalformedEntry : public ::testing::TestWithParam<malformed_case> {};

TEST_P(LogParserMalformedEntry, IsSkippedAndNeighboursSurvive) {
    std::size_t malformed = 0;
    const auto entries = parse_log(
        documented_first + "\n" + GetParam().entry + "\n" + documented_second, &malformed);
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0], documented_first_entry);
    EXPECT_EQ(entries[1], documented_second_entry);
    EXPECT_EQ(malformed, 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, LogParserMalformedEntry,
    ::testing::Values(malformed_case{"MarkerOnly", "\x07"},
                      malformed_case{"PrintableCategory", "\x07"s + "A\x04" + "5dc 68907857x"},
                      malformed_case{"PrintableLevel", "\x07\x15"s + "45dc 68907857x"},
                      malformed_case{"NulLevel", "\x07\x15\x00"s + "5dc 68907857x"},
                      malformed_case{"NoOffset", "\x07\x15\x04"s + " 68907857x"},
                      malformed_case{"FourDigitOffset", "\x07\x15\x04"s + "05dc 68907857x"},
                      malformed_case{"NonHexOffset", "\x07\x15\x04"s + "5g 68907857x"},
                      malformed_case{"MissingSpace", "\x07\x15\x04"s + "5dc68907857x"},
                      malformed_case{"TwoSpaces", "\x07\x15\x04"s + "5dc  68907857x"},
                      malformed_case{"ShortTimestamp", "\x07\x15\x04"s + "5dc 6890785"},
                      malformed_case{"NonHexInTimestamp", "\x07\x15\x04"s + "5dc 6890z857x"},
                      malformed_case{"NewlineInTimestamp", "\x07\x15\x04"s + "5dc 6890\n857x"}),
    [](const auto& info) { return std::string{info.param.name}; });

// Any cut that leaves the full header yields the entry with a shortened text; any earlier cut
// yields nothing. Either way nothing else appears.
TEST(LogParser, EveryPrefixOfAnEntryIsSafe) {
    const std::size_t header = 3 + 3 + 1 + 8;
    for (std::size_t len = 0; len <= documented_first.size(); ++len) {
        SCOPED_TRACE(len);
        const std::string prefix = documented_first.substr(0, len);
        std::size_t malformed = 0;
        const auto entries = parse_log(prefix, &malformed);
        if (len < header) {
            EXPECT_TRUE(entries.empty());
            EXPECT_EQ(malformed, len == 0 ? 0u : 1u);
            continue;
        }
        ASSERT_EQ(entries.size(), 1u);
        log_entry expected = documented_first_entry;
        expected.text.resize(len - header);
        EXPECT_EQ(entries[0], expected);
        EXPECT_EQ(malformed, 0u);
    }
}

TEST(LogParser, TruncatedEntryDoesNotSwallowTheNextOne) {
    const std::size_t header = 3 + 3 + 1 + 8;
    for (std::size_t len = 1; len <= documented_first.size(); ++len) {
        SCOPED_TRACE(len);
        std::size_t malformed = 0;
        const auto entries =
            parse_log(documented_first.substr(0, len) + "\n" + documented_second, &malformed);
        ASSERT_EQ(entries.size(), len < header ? 1u : 2u);
        EXPECT_EQ(entries.back(), documented_second_entry);
        EXPECT_EQ(malformed, len < header ? 1u : 0u);
    }
}

// Random byte soup drawn mostly from the format's own alphabet, for the sanitizers to watch.
TEST(LogParser, SurvivesRandomInput) {
    const std::string alphabet =
        "\x07\x07\x07\n\n\n \x15\x04\x10"s + "0123456789abcdefABCDEFxyz\xff"s;
    std::mt19937 rng{12345};
    std::uniform_int_distribution<std::size_t> pick{0, alphabet.size() - 1};
    std::uniform_int_distribution<std::size_t> length{0, 48};
    for (int round = 0; round < 20000; ++round) {
        std::string s(length(rng), '\0');
        for (auto& c : s)
            c = alphabet[pick(rng)];
        std::size_t malformed = 0;
        for (const auto& e : parse_log(s, &malformed)) {
            EXPECT_GE(e.offset_min, -1440);
            EXPECT_LE(e.offset_min, 0xFFF - 1440);
            EXPECT_EQ(e.text.find("\n\x07"s), std::string::npos);
            EXPECT_LE(e.text.size(), s.size());
        }
    }
}

TEST(LogPacker, ReproducesDocumentedEntry) {
    EXPECT_EQ(pack_log_entry(documented_first_entry), documented_first);
    EXPECT_EQ(pack_log_entry(documented_second_entry), documented_second);
}

TEST(LogPacker, ClampsOutOfRangeFieldsSoOutputParses) {
    const auto entries = parse_log(pack_log_entry({21, 4, 99999, -5, "x"}) + "\n" +
                                   pack_log_entry({21, 4, -99999, std::int64_t{1} << 40, "y"}));
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0], (log_entry{21, 4, 0xFFF - 1440, 0, "x"}));
    EXPECT_EQ(entries[1], (log_entry{21, 4, -1440, 0xFFFFFFFF, "y"}));
}

class LogRoundTrip : public ::testing::TestWithParam<log_entry> {};

TEST_P(LogRoundTrip, ParseReadsBackWhatPackWrote) {
    // Alone, first of two, and last of two: each position ends differently.
    const log_entry& entry = GetParam();
    const std::string packed = pack_log_entry(entry);
    const std::string other = pack_log_entry(documented_second_entry);
    std::size_t malformed = 0;
    EXPECT_EQ(parse_log(packed, &malformed), std::vector<log_entry>{entry});
    EXPECT_EQ(parse_log(packed + "\n" + other, &malformed),
              (std::vector<log_entry>{entry, documented_second_entry}));
    EXPECT_EQ(parse_log(other + "\n" + packed, &malformed),
              (std::vector<log_entry>{documented_second_entry, entry}));
    EXPECT_EQ(malformed, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Entries, LogRoundTrip,
    ::testing::Values(documented_first_entry, documented_second_entry,
                      log_entry{16, 7, 60, documented_utc, "debug level is the marker"},
                      log_entry{18, 2, -1440, 0, "earliest offset, epoch"},
                      log_entry{19, 3, 0xFFF - 1440, 0xFFFFFFFF, "latest offset and time"},
                      log_entry{20, 5, -570, documented_utc, "half-hour offset"},
                      log_entry{21, 6, 0, documented_utc, "BEEF starts with hex"},
                      log_entry{22, 4, 60, documented_utc, "two\nlines"},
                      log_entry{23, 4, 60, documented_utc, ""},
                      log_entry{17, 4, 60, 15, "small timestamp is zero-padded"}));

struct name_case {
    int code;
    std::string_view name;
};

class CategoryName : public ::testing::TestWithParam<name_case> {};

TEST_P(CategoryName, MatchesDocumentedTable) {
    EXPECT_EQ(mg::protocol::category_name(GetParam().code), GetParam().name);
}

INSTANTIATE_TEST_SUITE_P(Codes, CategoryName,
                         ::testing::Values(name_case{16, "System"}, name_case{17, "Project"},
                                           name_case{18, "Time"}, name_case{19, "Output"},
                                           name_case{20, "IO"}, name_case{21, "Trigger"},
                                           name_case{22, "Controller API"}, name_case{23, "DALI"},
                                           name_case{15, "Unknown"}, name_case{24, "Unknown"},
                                           name_case{-1, "Unknown"}));

class LevelName : public ::testing::TestWithParam<name_case> {};

TEST_P(LevelName, MatchesDocumentedTable) {
    EXPECT_EQ(mg::protocol::level_name(GetParam().code), GetParam().name);
}

INSTANTIATE_TEST_SUITE_P(Codes, LevelName,
                         ::testing::Values(name_case{2, "Critical"}, name_case{3, "Terse"},
                                           name_case{4, "Normal"}, name_case{5, "Extended"},
                                           name_case{6, "Verbose"}, name_case{7, "Debug"},
                                           name_case{1, "Unknown"}, name_case{8, "Unknown"}));

} // namespace
