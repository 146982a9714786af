#include "gateway/sim/control_values.hpp"

#include <gtest/gtest.h>
#include <string>

namespace mg::sim {
namespace {

struct text_case {
    std::string text;
    std::optional<double> expected;
};

void expect_table(const std::vector<text_case>& table,
                  std::optional<double> (*parse)(std::string_view)) {
    for (const auto& row : table) {
        const auto got = parse(row.text);
        ASSERT_EQ(got.has_value(), row.expected.has_value()) << "'" << row.text << "'";
        if (got) {
            EXPECT_DOUBLE_EQ(*got, *row.expected) << "'" << row.text << "'";
        }
    }
}

TEST(SimControlValues, BoundedIntegers) {
    expect_table({{"50:100", 0.5},
                  {"0:100", 0.0},
                  {"100:100", 1.0},
                  {"1:3", 1.0 / 3},
                  {"101:100", std::nullopt},
                  {"1:0", std::nullopt},
                  {"-1:100", std::nullopt},
                  {"1.5:100", std::nullopt},
                  {"50", std::nullopt},
                  {":100", std::nullopt},
                  {"50:", std::nullopt},
                  {"50:100:1", std::nullopt},
                  {" 50:100", std::nullopt}},
                 parse_bounded);
}

TEST(SimControlValues, RatesAreDecimalsOrBounded) {
    expect_table({{"0.5", 0.5},
                  {"1", 1.0},
                  {"2.25", 2.25},
                  {"10:100", 0.1},
                  {"-1", std::nullopt},
                  {"1e3", std::nullopt},
                  {"fast", std::nullopt},
                  {"", std::nullopt},
                  {"nan", std::nullopt}},
                 parse_rate);
}

TEST(SimControlValues, PositionsAreFractions) {
    expect_table({{"0.5", 0.5},
                  {"0", 0.0},
                  {"1", 1.0},
                  {"1:3", 1.0 / 3},
                  {"1.5", std::nullopt},
                  {"4:3", std::nullopt},
                  {"half", std::nullopt}},
                 parse_position);
}

TEST(SimControlValues, LevelsAreFractionNumbersOrBoundedStrings) {
    struct json_case {
        std::string json;
        std::optional<double> expected;
    };
    const std::vector<json_case> table{{"0.5", 0.5},          {"0", 0.0},
                                       {"1", 1.0},            {"1.0", 1.0},
                                       {R"("40:100")", 0.4},  {"1.01", std::nullopt},
                                       {"-0.1", std::nullopt}, {"40", std::nullopt},
                                       {R"("0.5")", std::nullopt}, {"true", std::nullopt},
                                       {"null", std::nullopt}, {"[0.5]", std::nullopt}};
    for (const auto& row : table) {
        rapidjson::Document doc;
        doc.Parse(row.json.c_str());
        ASSERT_FALSE(doc.HasParseError()) << row.json;
        const auto got = parse_level(doc);
        ASSERT_EQ(got.has_value(), row.expected.has_value()) << row.json;
        if (got) {
            EXPECT_DOUBLE_EQ(*got, *row.expected) << row.json;
        }
    }
}

} // namespace
} // namespace mg::sim
