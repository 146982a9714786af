// Names, topic pieces, fingerprints and ${NAME} references.
#include "gateway/config/env.hpp"
#include "gateway/config/fingerprint.hpp"
#include "gateway/config/names.hpp"

#include <gtest/gtest.h>
#include <map>
#include <stdexcept>

namespace mg::config {
namespace {

TEST(Names, AcceptsLettersDigitsUnderscoreAndHyphen) {
    EXPECT_TRUE(is_identifier("hotel-east"));
    EXPECT_TRUE(is_identifier("Lobby_2"));
    EXPECT_FALSE(is_identifier(""));
    EXPECT_FALSE(is_identifier("hotel east"));
    EXPECT_FALSE(is_identifier("hotel/east"));
    EXPECT_FALSE(is_identifier("lobby+"));
    EXPECT_FALSE(is_identifier("caf\xc3\xa9"));
}

TEST(Names, ReservesTheSiteLevelTopicsOfTheGateway) {
    EXPECT_EQ(reserved_controller_name("gateway"), "gateway");
    EXPECT_EQ(reserved_controller_name("GATEWAY"), "gateway");
    EXPECT_EQ(reserved_controller_name("gateway2"), "");
    EXPECT_EQ(reserved_controller_name("gate"), "");
    EXPECT_EQ(reserved_controller_name("lobby"), "");
}

struct topic_case {
    const char* text;
    bool prefix_ok;
    bool suffix_ok;
};

class TopicRules : public ::testing::TestWithParam<topic_case> {};

TEST_P(TopicRules, AcceptOnlyWellFormedTopics) {
    const std::string text = GetParam().text;
    if (GetParam().prefix_ok)
        EXPECT_NO_THROW(check_topic_prefix(text));
    else
        EXPECT_THROW(check_topic_prefix(text), std::invalid_argument);
    if (GetParam().suffix_ok)
        EXPECT_NO_THROW(check_topic_suffix(text));
    else
        EXPECT_THROW(check_topic_suffix(text), std::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, TopicRules,
    ::testing::Values(topic_case{"mosaic", true, true}, topic_case{"home/lighting", true, true},
                      topic_case{"output/dmx-1", true, true}, topic_case{"", false, false},
                      topic_case{"/mosaic", false, false}, topic_case{"mosaic/", false, false},
                      topic_case{"a//b", true, false}, topic_case{"a/+/b", false, false},
                      topic_case{"a/#", false, false}, topic_case{"$SYS", false, true},
                      topic_case{"a\tb", false, false}));

TEST(Names, TopicPrefixWithNulIsRefused) {
    EXPECT_THROW(check_topic_prefix(std::string("mo\0saic", 7)), std::invalid_argument);
}

constexpr const char* pinned_upper = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
                                     "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

class FingerprintSpellings : public ::testing::TestWithParam<const char*> {};

TEST_P(FingerprintSpellings, NormaliseToUpperCasePairs) {
    EXPECT_EQ(normalize_fingerprint(GetParam()), pinned_upper);
}

INSTANTIATE_TEST_SUITE_P(
    Accepted, FingerprintSpellings,
    ::testing::Values(pinned_upper,
                      "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:"
                      "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89",
                      "abcdef0123456789ABCDEF0123456789abcdef0123456789ABCDEF0123456789"));

class FingerprintRejection : public ::testing::TestWithParam<const char*> {};

TEST_P(FingerprintRejection, Throws) {
    EXPECT_THROW(normalize_fingerprint(GetParam()), std::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(
    Refused, FingerprintRejection,
    ::testing::Values("", "AB:CD",
                      // 31 bytes
                      "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
                      "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67",
                      // a non-hex digit
                      "GB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
                      "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
                      // a wrong separator
                      "AB-CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
                      "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
                      // SHA-1 length
                      "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01"));

env_lookup env_of(std::map<std::string, std::string> values) {
    return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
        const auto it = values.find(name);
        return it == values.end() ? std::nullopt : std::optional(it->second);
    };
}

TEST(EnvExpansion, ReplacesEveryReference) {
    const auto env = env_of({{"DIR", "/run/credentials/gw"}, {"NAME", "mqtt"}, {"EMPTY", ""}});
    EXPECT_EQ(expand_env("${DIR}/${NAME}", env), "/run/credentials/gw/mqtt");
    EXPECT_EQ(expand_env("x${EMPTY}y", env), "xy");
    EXPECT_EQ(expand_env("no references", env), "no references");
    EXPECT_EQ(expand_env("$DIR and $ alone", env), "$DIR and $ alone");
}

TEST(EnvExpansion, DoesNotExpandReplacementsAgain) {
    const auto env = env_of({{"A", "${B}"}, {"B", "b"}});
    EXPECT_EQ(expand_env("${A}", env), "${B}");
}

TEST(EnvExpansion, NamesUnsetVariable) {
    try {
        expand_env("${CREDENTIALS_DIRECTORY}/mqtt", env_of({}));
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(), "environment variable 'CREDENTIALS_DIRECTORY' is not set");
    }
}

TEST(EnvExpansion, RefusesMalformedReferencesWithoutQuotingThem) {
    for (const char* text : {"pa${ss", "${}", "${1X}", "${A-B}"}) {
        try {
            expand_env(text, env_of({}));
            FAIL() << text;
        } catch (const std::invalid_argument& e) {
            EXPECT_EQ(std::string(e.what()).find(text), std::string::npos) << e.what();
        }
    }
}

} // namespace
} // namespace mg::config
