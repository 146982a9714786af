#include "gateway/features/commands.hpp"

#include <gtest/gtest.h>
#include <memory>

namespace mg::features {
namespace {

struct accepted_case {
    std::string suffix;
    std::string payload;
    std::string method;
    std::string path;
    std::string body;
};

std::ostream& operator<<(std::ostream& out, const accepted_case& c) {
    return out << c.suffix << " <- '" << c.payload << "'";
}

class Accepted : public ::testing::TestWithParam<accepted_case> {};

TEST_P(Accepted, BecomesTheDocumentedCall) {
    const auto& c = GetParam();
    command_context known;
    known.group_levels[2] = 67;
    known.target_levels["target_3"] = 25;
    const auto parsed = parse_command(c.suffix, c.payload, known);
    const auto* result = std::get_if<command>(&parsed);
    ASSERT_NE(result, nullptr) << std::get<invalid_command>(parsed).detail;
    ASSERT_TRUE(result->call.has_value());
    EXPECT_EQ(result->call->method, c.method);
    EXPECT_EQ(result->call->path, c.path);
    EXPECT_EQ(result->call->body, c.body);
}

// The rows of the README's command table, and the API's documented bodies.
INSTANTIATE_TEST_SUITE_P(
    Timelines, Accepted,
    ::testing::Values(
        accepted_case{"timeline/2/set", "start", "POST", "/api/timeline",
                      R"({"action":"start","num":2})"},
        accepted_case{"timeline/2/set", "START", "POST", "/api/timeline",
                      R"({"action":"start","num":2})"},
        accepted_case{"timeline/2/set", "ON", "POST", "/api/timeline",
                      R"({"action":"start","num":2})"},
        accepted_case{"timeline/2/set", "off", "POST", "/api/timeline",
                      R"({"action":"release","num":2})"},
        accepted_case{"timeline/2/set", " Toggle\n", "POST", "/api/timeline",
                      R"({"action":"toggle","num":2})"},
        accepted_case{"timeline/7/set", "pause", "POST", "/api/timeline",
                      R"({"action":"pause","num":7})"},
        accepted_case{"timeline/7/set", "resume", "POST", "/api/timeline",
                      R"({"action":"resume","num":7})"},
        accepted_case{"timeline/2/set", "start_release_others", "POST", "/api/timeline",
                      R"({"action":"start_release_others","num":2})"},
        accepted_case{
            "timeline/2/set", R"({"action":"start_release_others","group":"B","fade":2.0})", "POST",
            "/api/timeline", R"({"action":"start_release_others","num":2,"fade":2.0,"group":"B"})"},
        accepted_case{"timeline/2/set", R"({"action":"start_release_others","same_group":true})",
                      "POST", "/api/timeline",
                      R"({"action":"start_release_others","num":2,"same_group":true})"},
        accepted_case{"timeline/2/set", R"({"action":"toggle","fade":2})", "POST", "/api/timeline",
                      R"({"action":"toggle","num":2,"fade":2})"},
        accepted_case{"timeline/5/set", R"({"action":"set_rate","rate":"0.5"})", "POST",
                      "/api/timeline", R"({"action":"set_rate","num":5,"rate":"0.5"})"},
        accepted_case{"timeline/5/set", R"({"action":"set_rate","rate":0.5})", "POST",
                      "/api/timeline", R"({"action":"set_rate","num":5,"rate":"0.5"})"},
        accepted_case{"timeline/5/set", R"({"action":"set_rate","rate":"10:100"})", "POST",
                      "/api/timeline", R"({"action":"set_rate","num":5,"rate":"10:100"})"},
        accepted_case{"timeline/3/set", R"({"action":"set_position","time":180})", "POST",
                      "/api/timeline", R"({"action":"set_position","num":3,"time":180})"},
        accepted_case{"timeline/3/set", R"({"action":"set_position","position":"1:3"})", "POST",
                      "/api/timeline", R"({"action":"set_position","num":3,"position":"1:3"})"},
        accepted_case{"timeline/5/set", R"({"action":"set_position","flag":"Start sparkle"})",
                      "POST", "/api/timeline",
                      R"({"action":"set_position","num":5,"flag":"Start sparkle"})"},
        // The number in the topic wins; fields the table does not list are dropped; null
        // counts as not given.
        accepted_case{"timeline/3/set",
                      R"({"action":"Start","num":9,"token":"x","fade":null,"extra":{"a":1}})",
                      "POST", "/api/timeline", R"({"action":"start","num":3})"},
        accepted_case{"timeline/set", R"({"action":"release","group":"!B","fade":2.0})", "POST",
                      "/api/timeline", R"({"action":"release","group":"!B","fade":2.0})"},
        accepted_case{"timeline/set", R"({"action":"pause"})", "POST", "/api/timeline",
                      R"({"action":"pause"})"},
        accepted_case{"timeline/set", R"({"action":"resume","group":3})", "POST", "/api/timeline",
                      R"({"action":"resume","group":3})"},
        accepted_case{"timeline/set", "release", "POST", "/api/timeline",
                      R"({"action":"release"})"}));

INSTANTIATE_TEST_SUITE_P(
    Scenes, Accepted,
    ::testing::Values(
        accepted_case{"scene/2/set", "start", "POST", "/api/scene",
                      R"({"action":"start","num":2})"},
        accepted_case{"scene/2/set", "ON", "POST", "/api/scene", R"({"action":"start","num":2})"},
        accepted_case{"scene/2/set", "OFF", "POST", "/api/scene",
                      R"({"action":"release","num":2})"},
        accepted_case{"scene/2/set", "toggle", "POST", "/api/scene",
                      R"({"action":"toggle","num":2})"},
        accepted_case{"scene/4/set", "start_release_others", "POST", "/api/scene",
                      R"({"action":"start_release_others","num":4})"},
        accepted_case{"scene/2/set", R"({"action":"release","fade":3.5})", "POST", "/api/scene",
                      R"({"action":"release","num":2,"fade":3.5})"},
        accepted_case{"scene/2/set", R"({"action":"start","group":"A","same_group":false})", "POST",
                      "/api/scene", R"({"action":"start","num":2,"group":"A","same_group":false})"},
        accepted_case{"scene/set", R"({"action":"release","fade":2.0})", "POST", "/api/scene",
                      R"({"action":"release","fade":2.0})"}));

INSTANTIATE_TEST_SUITE_P(
    Levels, Accepted,
    ::testing::Values(
        accepted_case{"group/1/set", "40", "POST", "/api/group",
                      R"({"action":"master_intensity","num":1,"level":"40:100"})"},
        accepted_case{"group/1/set", "37.5", "POST", "/api/group",
                      R"({"action":"master_intensity","num":1,"level":"375:1000"})"},
        accepted_case{"group/1/set", "12.34", "POST", "/api/group",
                      R"({"action":"master_intensity","num":1,"level":"1234:10000"})"},
        accepted_case{"group/1/set", "100", "POST", "/api/group",
                      R"({"action":"master_intensity","num":1,"level":"100:100"})"},
        accepted_case{"group/0/set", "OFF", "POST", "/api/group",
                      R"({"action":"master_intensity","num":0,"level":"0:100"})"},
        // ON restores the last non-zero level seen, else full.
        accepted_case{"group/2/set", "ON", "POST", "/api/group",
                      R"({"action":"master_intensity","num":2,"level":"67:100"})"},
        accepted_case{"group/1/set", "on", "POST", "/api/group",
                      R"({"action":"master_intensity","num":1,"level":"100:100"})"},
        accepted_case{"group/1/set", R"({"level":50,"fade":3})", "POST", "/api/group",
                      R"({"action":"master_intensity","num":1,"level":"50:100","fade":3})"},
        accepted_case{
            "group/1/set", R"({"level":20,"fade":1.5,"delay":2,"num":4})", "POST", "/api/group",
            R"({"action":"master_intensity","num":1,"level":"20:100","fade":1.5,"delay":2})"},
        accepted_case{"content_target/Primary/set", "40", "POST", "/api/content_target",
                      R"({"action":"master_intensity","type":"primary","level":"40:100"})"},
        accepted_case{"content_target/Target 3/set", "ON", "POST", "/api/content_target",
                      R"({"action":"master_intensity","type":"target_3","level":"25:100"})"},
        accepted_case{
            "content_target/target_4/set", R"({"level":10,"fade":2})", "POST",
            "/api/content_target",
            R"({"action":"master_intensity","type":"target_4","level":"10:100","fade":2})"}));

INSTANTIATE_TEST_SUITE_P(
    Others, Accepted,
    ::testing::Values(
        accepted_case{"trigger/2/set", "", "POST", "/api/trigger", R"({"num":2})"},
        accepted_case{"trigger/2/set", "PRESS", "POST", "/api/trigger", R"({"num":2})"},
        accepted_case{"trigger/2/set", R"({"var":"2,4,5","conditions":false})", "POST",
                      "/api/trigger", R"({"num":2,"var":"2,4,5","conditions":false})"},
        accepted_case{"trigger/2/set", R"({"var":"Foo"})", "POST", "/api/trigger",
                      R"({"num":2,"var":"Foo"})"},
        accepted_case{"text_slot/myTextSlot/set", "Hello World!", "PUT", "/api/text_slot",
                      R"({"name":"myTextSlot","value":"Hello World!"})"},
        accepted_case{"text_slot/guest/set", " Grüße, \"Ana\" ", "PUT", "/api/text_slot",
                      R"({"name":"guest","value":" Grüße, \"Ana\" "})"},
        accepted_case{"text_slot/guest/set", "", "PUT", "/api/text_slot",
                      R"({"name":"guest","value":""})"},
        accepted_case{"beacon/set", "toggle", "POST", "/api/beacon", ""},
        accepted_case{"beacon/set", "ON", "POST", "/api/beacon", ""}));

struct refused_case {
    std::string suffix;
    std::string payload;
    std::string detail_part;
};

std::ostream& operator<<(std::ostream& out, const refused_case& c) {
    return out << c.suffix << " <- '" << c.payload.substr(0, 40) << "'";
}

class Refused : public ::testing::TestWithParam<refused_case> {};

TEST_P(Refused, IsAnInvalidPayloadWithAClearDetail) {
    const auto& c = GetParam();
    const auto parsed = parse_command(c.suffix, c.payload, {});
    const auto* refused = std::get_if<invalid_command>(&parsed);
    ASSERT_NE(refused, nullptr) << std::get<command>(parsed).call->body;
    EXPECT_NE(refused->detail.find(c.detail_part), std::string::npos) << refused->detail;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, Refused,
    ::testing::Values(
        refused_case{"timeline/2/set", "jump", "unknown timeline action 'jump'"},
        refused_case{"timeline/2/set", "", "empty payload"},
        refused_case{"timeline/x/set", "start", "timeline number 'x' is not a number"},
        refused_case{"timeline/-1/set", "start", "is not a number"},
        refused_case{"timeline/1.5/set", "start", "is not a number"},
        refused_case{"timeline//set", "start", "is not a number"},
        refused_case{"scene/2/set", "pause", "unknown scene action 'pause'"},
        refused_case{"timeline/2/set", "{\"action\":", "not valid JSON"},
        refused_case{"timeline/2/set", R"({"fade":2})", "needs an 'action' string"},
        refused_case{"timeline/2/set", R"({"action":"start","fade":"slow"})", "'fade'"},
        refused_case{"timeline/2/set", R"({"action":"start","fade":-1})", "'fade'"},
        refused_case{"timeline/2/set", R"({"action":"start","same_group":"yes"})", "'same_group'"},
        refused_case{"timeline/2/set", R"({"action":"start","group":{"a":1}})", "'group'"},
        refused_case{"timeline/2/set", "set_rate", "needs a JSON object"},
        refused_case{"timeline/2/set", R"({"action":"set_rate"})", "needs 'rate'"},
        refused_case{"timeline/2/set", R"({"action":"start","rate":"2"})", "set_rate only"},
        refused_case{"timeline/2/set", R"({"action":"set_position","time":1,"flag":"x"})",
                     "exactly one"},
        refused_case{"timeline/2/set", R"(["start"])", "JSON object"},
        refused_case{"timeline/set", "start", "needs a timeline number"},
        refused_case{"timeline/set", R"({"action":"release","num":3})", "timeline/<num>/set"},
        refused_case{"scene/set", R"({"action":"toggle"})", "needs a scene number"},
        refused_case{"group/1/set", "101", "0-100"}, refused_case{"group/1/set", "-5", "0-100"},
        refused_case{"group/1/set", "1e2", "0-100"}, refused_case{"group/1/set", "bright", "0-100"},
        refused_case{"group/1/set", R"({"level":150})", "0-100"},
        refused_case{"group/1/set", R"({"level":"40"})", "'level' must be a number"},
        refused_case{"group/1/set", R"({"fade":2})", "needs a 'level'"},
        refused_case{"group/one/set", "40", "group number 'one' is not a number"},
        refused_case{"content_target/Primary/set", "200", "0-100"},
        refused_case{"trigger/2/set", "go", "PRESS"},
        refused_case{"trigger/2/set", R"({"var":5})", "'var' must be a string"},
        refused_case{"trigger/2/set", R"({"conditions":"no"})", "'conditions'"},
        refused_case{"trigger/x/set", "", "trigger number 'x'"},
        refused_case{"text_slot/guest/set", "\xff\xfe", "not valid UTF-8"},
        refused_case{"beacon/set", "blink", "ON, OFF or toggle"},
        refused_case{"lamp/set", "ON", "no command topic lamp/set"},
        refused_case{"lamp/1/set", "ON", "no command topic lamp/1/set"},
        refused_case{"timeline/2/get", "start", "no command topic"},
        refused_case{"timeline/2/set", std::string(4097, ' '), "over 4 KiB"},
        refused_case{"text_slot/guest/set", std::string(5000, 'a'), "over 4 KiB"},
        refused_case{"timeline/2/set",
                     "{\"action\":\"start\",\"x\":" + std::string(32, '[') + std::string(32, ']') +
                         "}",
                     "deeper than 32"}));

TEST(Commands, JsonNestedToTheLimitIsAccepted) {
    // The object is one level, so 31 arrays inside it make 32.
    const auto payload =
        "{\"action\":\"start\",\"x\":" + std::string(31, '[') + std::string(31, ']') + "}";
    const auto parsed = parse_command("timeline/2/set", payload, {});
    ASSERT_TRUE(std::holds_alternative<command>(parsed));
    EXPECT_EQ(std::get<command>(parsed).call->body, R"({"action":"start","num":2})");
}

TEST(Commands, DeepNestingWithinTheSizeLimitDoesNotCrash) {
    const std::string payload(4096, '[');
    EXPECT_TRUE(std::holds_alternative<invalid_command>(parse_command("group/1/set", payload, {})));
    EXPECT_TRUE(
        std::holds_alternative<invalid_command>(parse_command("trigger/1/set", payload, {})));
}

TEST(Commands, ATruncatedUtf8SequenceAtTheEndOfTheBufferIsRefusedWithoutReadingPastIt) {
    // Found by fuzzing: the payload's bytes end inside a three-byte sequence, and nothing
    // after them is ours to read.
    const std::unique_ptr<char[]> bytes(new char[3]{'o', 'k', '\xed'});
    const auto parsed =
        parse_command("text_slot/guest/set", std::string_view(bytes.get(), 3), {});
    ASSERT_TRUE(std::holds_alternative<invalid_command>(parsed));
}

TEST(Commands, BeaconCallsOnlyWhenTheStateDiffers) {
    command_context known;
    // Never seen counts as off.
    EXPECT_FALSE(std::get<command>(parse_command("beacon/set", "OFF", known)).call);
    EXPECT_TRUE(std::get<command>(parse_command("beacon/set", "ON", known)).call);
    known.beacon = true;
    EXPECT_FALSE(std::get<command>(parse_command("beacon/set", "on", known)).call);
    const auto off = std::get<command>(parse_command("beacon/set", "off", known));
    ASSERT_TRUE(off.call);
    EXPECT_EQ(off.call->method, "POST");
    EXPECT_EQ(off.call->path, "/api/beacon");
    EXPECT_EQ(off.call->body, "");
    EXPECT_TRUE(std::get<command>(parse_command("beacon/set", "toggle", known)).call);
}

TEST(Commands, ActionIsNamedForTheLog) {
    EXPECT_EQ(std::get<command>(parse_command("timeline/1/set", "ON", {})).action, "start");
    EXPECT_EQ(std::get<command>(parse_command("group/1/set", "5", {})).action, "master_intensity");
    EXPECT_EQ(std::get<command>(parse_command("trigger/1/set", "", {})).action, "fire");
    EXPECT_EQ(std::get<command>(parse_command("text_slot/a/set", "x", {})).action, "set");
}

rapidjson::Document json(const char* text) {
    rapidjson::Document doc;
    doc.Parse(text);
    return doc;
}

TEST(CommandContext, LearnsLastNonZeroLevelsAndBeacon) {
    command_context known;
    known.learn("group", json(R"({"num":1,"level":67,"name":"Group 1"})"));
    known.learn("group", json(R"({"num":1,"level":0,"name":"Group 1"})"));
    known.learn("group", json(R"({"groups":[{"num":2,"level":30},{"name":"All","level":80}]})"));
    known.learn(
        "content_target",
        json(
            R"({"content_targets":[{"name":"Target 3","level":45},{"name":"Primary","level":0}]})"));
    known.learn("beacon", json(R"({"on":true})"));
    known.learn("group", json(R"({"num":"bad","level":10})"));
    EXPECT_EQ(known.group_levels.at(1), 67);
    EXPECT_EQ(known.group_levels.at(2), 30);
    EXPECT_EQ(known.group_levels.at(0), 80);
    EXPECT_EQ(known.group_levels.size(), 3u);
    EXPECT_EQ(known.target_levels.at("target_3"), 45);
    EXPECT_EQ(known.target_levels.count("primary"), 0u);
    EXPECT_EQ(known.beacon, true);
    EXPECT_EQ(std::get<command>(parse_command("group/1/set", "ON", known)).call->body,
              R"({"action":"master_intensity","num":1,"level":"67:100"})");
}

TEST(Commands, ContentTargetTypeAndBoundedLevel) {
    EXPECT_EQ(content_target_type("Primary"), "primary");
    EXPECT_EQ(content_target_type("Target 3"), "target_3");
    EXPECT_EQ(bounded_level(0), "0:100");
    EXPECT_EQ(bounded_level(40), "40:100");
    EXPECT_EQ(bounded_level(37.5), "375:1000");
    EXPECT_EQ(bounded_level(33.333), "3333:10000");
    EXPECT_EQ(bounded_level(99.999), "100:100");
}

} // namespace
} // namespace mg::features
