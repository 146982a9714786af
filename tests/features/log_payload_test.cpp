#include "gateway/features/log_payload.hpp"

#include <cstdint>
#include <gtest/gtest.h>
#include <limits>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <string>
#include <vector>

namespace {

using mg::features::log_entry_json;
using mg::features::log_history_json;
using mg::protocol::log_entry;
using namespace std::string_literals;

constexpr std::int64_t documented_utc = 1754298455; // 2025-08-04 09:07:35 UTC

rapidjson::Document parse_strict(const std::string& json) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
    EXPECT_FALSE(doc.HasParseError()) << rapidjson::GetParseError_En(doc.GetParseError()) << " at "
                                      << doc.GetErrorOffset() << " in " << json;
    return doc;
}

std::string text_of(const std::string& json) {
    const auto doc = parse_strict(json);
    if (!doc.IsObject() || !doc.HasMember("text") || !doc["text"].IsString())
        return "<no text>";
    return {doc["text"].GetString(), doc["text"].GetStringLength()};
}

TEST(LogPayload, MatchesContractForDocumentedTriggerEntry) {
    EXPECT_EQ(log_entry_json({21, 4, 60, documented_utc, "ACTION Start Timeline Timeline 2"}),
              R"({"utc":"2025-08-04T09:07:35Z","time":"2025-08-04T10:07:35+01:00","offset_min":60,)"
              R"("category":"Trigger","category_code":21,"level":"Normal","level_code":4,)"
              R"("text":"ACTION Start Timeline Timeline 2"})");
}

TEST(LogPayload, KeepsContractKeyOrder) {
    const auto doc = parse_strict(log_entry_json({22, 7, 60, documented_utc, "x"}));
    ASSERT_TRUE(doc.IsObject());
    std::vector<std::string> keys;
    for (const auto& m : doc.GetObject())
        keys.emplace_back(m.name.GetString());
    EXPECT_EQ(keys, (std::vector<std::string>{"utc", "time", "offset_min", "category",
                                              "category_code", "level", "level_code", "text"}));
    EXPECT_STREQ(doc["category"].GetString(), "Controller API");
    EXPECT_STREQ(doc["level"].GetString(), "Debug");
}

TEST(LogPayload, NamesUnknownCodesButKeepsThem) {
    const auto doc = parse_strict(log_entry_json({31, 1, 60, documented_utc, "x"}));
    EXPECT_STREQ(doc["category"].GetString(), "Unknown");
    EXPECT_EQ(doc["category_code"].GetInt(), 31);
    EXPECT_STREQ(doc["level"].GetString(), "Unknown");
    EXPECT_EQ(doc["level_code"].GetInt(), 1);
}

struct time_case {
    const char* name;
    std::int64_t utc;
    int offset_min;
    const char* utc_text;
    const char* local_text;
};

class LogPayloadTime : public ::testing::TestWithParam<time_case> {};

TEST_P(LogPayloadTime, FormatsUtcAndLocalTime) {
    const auto& c = GetParam();
    const auto doc = parse_strict(log_entry_json({21, 4, c.offset_min, c.utc, ""}));
    EXPECT_STREQ(doc["utc"].GetString(), c.utc_text);
    EXPECT_STREQ(doc["time"].GetString(), c.local_text);
    EXPECT_EQ(doc["offset_min"].GetInt(), c.offset_min);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LogPayloadTime,
    ::testing::Values(
        time_case{"UtcSite", documented_utc, 0, "2025-08-04T09:07:35Z",
                  "2025-08-04T09:07:35+00:00"},
        time_case{"WestOfUtc", documented_utc, -240, "2025-08-04T09:07:35Z",
                  "2025-08-04T05:07:35-04:00"},
        time_case{"HalfHourEast", documented_utc, 330, "2025-08-04T09:07:35Z",
                  "2025-08-04T14:37:35+05:30"},
        time_case{"HalfHourWest", documented_utc, -570, "2025-08-04T09:07:35Z",
                  "2025-08-03T23:37:35-09:30"},
        time_case{"LocalIsNextDay", 1754350200, 60, "2025-08-04T23:30:00Z",
                  "2025-08-05T00:30:00+01:00"},
        time_case{"LocalIsPreviousYear", 0, -60, "1970-01-01T00:00:00Z",
                  "1969-12-31T23:00:00-01:00"},
        time_case{"LeapDay", 1709164800, 0, "2024-02-29T00:00:00Z", "2024-02-29T00:00:00+00:00"},
        time_case{"CenturyLeapDay", 951782400, 0, "2000-02-29T00:00:00Z",
                  "2000-02-29T00:00:00+00:00"},
        time_case{"LargestPackedTime", 0xFFFFFFFF, 0, "2106-02-07T06:28:15Z",
                  "2106-02-07T06:28:15+00:00"},
        time_case{"EncodingExtremes", 0, -1440, "1970-01-01T00:00:00Z",
                  "1969-12-31T00:00:00-24:00"},
        time_case{"FarFutureClamped", std::numeric_limits<std::int64_t>::max(), 60,
                  "9999-12-31T23:59:59Z", "9999-12-31T23:59:59+01:00"},
        time_case{"FarPastClamped", std::numeric_limits<std::int64_t>::min(), -60,
                  "0000-01-01T00:00:00Z", "0000-01-01T00:00:00-01:00"},
        time_case{"HugeOffsetClamped", documented_utc, std::numeric_limits<int>::min(),
                  "2025-08-04T09:07:35Z", "2025-07-31T05:08:35-99:59"}),
    [](const auto& info) { return std::string{info.param.name}; });

struct text_case {
    const char* name;
    std::string text;
    std::string expected; // the text after a JSON round trip
};

class LogPayloadText : public ::testing::TestWithParam<text_case> {};

TEST_P(LogPayloadText, YieldsValidJsonCarryingTheText) {
    EXPECT_EQ(text_of(log_entry_json({21, 4, 60, documented_utc, GetParam().text})),
              GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LogPayloadText,
    ::testing::Values(
        text_case{"QuotesAndBackslash", R"(say "hi" \ bye)", R"(say "hi" \ bye)"},
        text_case{"ControlCharacters", "a\nb\tc\x01\x07\x1f", "a\nb\tc\x01\x07\x1f"},
        text_case{"EmbeddedNul", "a\0b"s, "a\0b"s},
        text_case{"MultiByteUtf8", "Caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xa1",
                  "Caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xa1"},
        text_case{"StrayByte",
                  "a\xff"
                  "b",
                  "a\xef\xbf\xbd"
                  "b"},
        text_case{"LoneContinuation",
                  "a\x80"
                  "b",
                  "a\xef\xbf\xbd"
                  "b"},
        text_case{"TruncatedAtEnd", "a\xe2\x82", "a\xef\xbf\xbd"},
        text_case{"TruncatedBeforeAscii",
                  "\xe2\x82"
                  "b",
                  "\xef\xbf\xbd"
                  "b"},
        text_case{"Overlong", "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},
        text_case{"OverlongThreeByte", "\xe0\x80\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        text_case{"Surrogate", "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        text_case{"BeyondUnicode", "\xf4\x90\x80\x80",
                  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        text_case{"Latin1", "Caf\xe9!", "Caf\xef\xbf\xbd!"}),
    [](const auto& info) { return std::string{info.param.name}; });

TEST(LogPayload, EscapesControlCharactersInOutput) {
    const std::string json = log_entry_json({21, 4, 60, documented_utc, "a\nb\x01"});
    EXPECT_NE(json.find(R"("text":"a\nb\u0001")"), std::string::npos) << json;
}

TEST(LogHistory, WrapsEmptyListInEntries) {
    EXPECT_EQ(log_history_json({}), R"({"entries":[]})");
}

TEST(LogHistory, ListsEachEntryAsItsLogPayload) {
    const log_entry first{21, 4, 60, documented_utc, "ACTION Start Timeline Timeline 2"};
    const log_entry second{22, 4, 60, documented_utc, "Web API: Enqueue trigger 2\xff"};
    const std::string json = log_history_json({first, second});
    EXPECT_EQ(json,
              R"({"entries":[)" + log_entry_json(first) + "," + log_entry_json(second) + "]}");
    const auto doc = parse_strict(json);
    ASSERT_TRUE(doc.IsObject());
    ASSERT_TRUE(doc["entries"].IsArray());
    EXPECT_EQ(doc["entries"].Size(), 2u);
}

} // namespace
