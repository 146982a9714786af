// Discovery payloads against Home Assistant's documented rules for device-based discovery.
#include "gateway/features/ha_model.hpp"
#include "gateway/features/ha_payload.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <set>
#include <string>

namespace mg::features::ha {
namespace {

rapidjson::Document parse(const std::string& text) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.c_str(), text.size());
    EXPECT_FALSE(doc.HasParseError()) << text;
    return doc;
}

std::string str(const rapidjson::Value& v, const char* key) {
    const auto it = v.FindMember(key);
    if (it == v.MemberEnd() || !it->value.IsString())
        return "<absent>";
    return {it->value.GetString(), it->value.GetStringLength()};
}

// The vendor's documented example replies (their shapes: docs/protocol.md §5).
constexpr const char* system_reply =
    R"({"hardware_type":"VLC","channel_capacity":768000,"serial_number":"030208",)"
    R"("memory_total":"6982288 KB","firmware_version":"2.15.0 BETA2","ip_address":"172.20.30.225"})";
constexpr const char* timeline_reply =
    R"({"timelines":[{"num":1,"name":"Intro","group":"A","length":60000,"state":"running",)"
    R"("onstage":true,"position":1200},{"num":3,"name":"","state":"none"}]})";
constexpr const char* scene_reply = R"({"scenes":[{"num":2,"name":"Dinner","state":"none"}]})";
constexpr const char* group_reply =
    R"({"groups":[{"name":"All Fixtures","level":100},{"num":1,"name":"Bar","level":63}]})";
constexpr const char* temperature_reply = R"({"sys_temp":40,"core1_temp":52})";
constexpr const char* text_slot_reply = R"({"text_slots":[{"name":"welcome","value":"Hello"}]})";
constexpr const char* trigger_reply =
    R"({"triggers":[{"type":"Startup","num":4,"name":"Startup","actions":[]}]})";

discovery_site site() {
    return {"homeassistant", "hotel-east", topic_scheme("mosaic", "hotel-east")};
}

controller_model documented_controller() {
    controller_model m;
    m.name = "lobby";
    m.configuration_url = "http://172.20.30.225:80/";
    for (const auto& [request, reply] : {std::pair{"system", system_reply},
                                         {"timeline", timeline_reply},
                                         {"scene", scene_reply},
                                         {"group", group_reply},
                                         {"temperature", temperature_reply},
                                         {"text_slot", text_slot_reply},
                                         {"trigger", trigger_reply}}) {
        const auto doc = parse(reply);
        EXPECT_TRUE(apply_reply(m, request, doc, reply_scope::whole)) << request;
    }
    return m;
}

const rapidjson::Value& component(const rapidjson::Document& doc, const char* key) {
    static const rapidjson::Value none;
    const auto& components = doc["components"];
    const auto it = components.FindMember(key);
    EXPECT_NE(it, components.MemberEnd()) << key;
    return it == components.MemberEnd() ? none : it->value;
}

TEST(HaPayload, RootHoldsOnlyDeviceOriginComponentsAndAvailability) {
    const auto doc = parse(controller_config(site(), documented_controller()));
    const std::set<std::string> allowed{"device", "origin", "components", "availability",
                                        "availability_mode"};
    for (const auto& m : doc.GetObject())
        EXPECT_TRUE(allowed.count(m.name.GetString())) << m.name.GetString();
    const auto& availability = doc["availability"];
    ASSERT_EQ(availability.Size(), 2u);
    EXPECT_EQ(str(availability[0], "topic"), "mosaic/hotel-east/gateway/status");
    EXPECT_EQ(str(availability[1], "topic"), "mosaic/hotel-east/lobby/status");
    EXPECT_EQ(str(doc, "availability_mode"), "all");
    EXPECT_EQ(str(doc["origin"], "name"), "mosaic-gateway");
    EXPECT_EQ(str(doc["origin"], "sw_version"), MG_VERSION);
}

TEST(HaPayload, DeviceComesFromTheSiteFileAndTheSystemReply) {
    const auto doc = parse(controller_config(site(), documented_controller()));
    const auto& device = doc["device"];
    ASSERT_TRUE(device["identifiers"].IsArray());
    EXPECT_EQ(std::string(device["identifiers"][0].GetString()), "mosaic_030208");
    EXPECT_EQ(str(device, "name"), "lobby");
    EXPECT_EQ(str(device, "manufacturer"), "ETC");
    EXPECT_EQ(str(device, "model"), "VLC");
    EXPECT_EQ(str(device, "serial_number"), "030208");
    EXPECT_EQ(str(device, "sw_version"), "2.15.0 BETA2");
    EXPECT_EQ(str(device, "configuration_url"), "http://172.20.30.225:80/");
    EXPECT_EQ(str(device, "via_device"), "mosaic_gw_hotel-east");
    EXPECT_EQ(config_topic("homeassistant", controller_identifier("030208")),
              "homeassistant/device/mosaic_030208/config");
}

TEST(HaPayload, EveryComponentHasPlatformUniqueIdAndItsOwnNameButNoObjectId) {
    const auto m = documented_controller();
    const auto doc = parse(controller_config(site(), m));
    std::set<std::string> unique_ids;
    for (const auto& c : doc["components"].GetObject()) {
        const std::string key = c.name.GetString();
        EXPECT_NE(str(c.value, "platform"), "<absent>") << key;
        const auto uid = str(c.value, "unique_id");
        EXPECT_EQ(uid.rfind("mosaic_030208_", 0), 0u) << uid;
        EXPECT_TRUE(unique_ids.insert(uid).second) << uid;
        EXPECT_EQ(str(c.value, "name").rfind("lobby", 0), std::string::npos) << key;
        EXPECT_FALSE(c.value.HasMember("object_id")) << key;
    }
    EXPECT_EQ(unique_ids.size(), components_of(m).size());
    EXPECT_EQ(str(component(doc, "timeline_1"), "name"), "Intro");
    EXPECT_EQ(str(component(doc, "timeline_3"), "name"), "Timeline 3");
    EXPECT_EQ(str(component(doc, "group_0"), "name"), "All Fixtures");
    EXPECT_EQ(str(component(doc, "group_1"), "unique_id"), "mosaic_030208_group_1");
    EXPECT_EQ(str(component(doc, "text_slot_welcome"), "unique_id"),
              "mosaic_030208_text_slot_welcome");
}

TEST(HaPayload, GroupIsALightWithBrightnessOutOf100) {
    const auto doc = parse(controller_config(site(), documented_controller()));
    const auto& light = component(doc, "group_1");
    EXPECT_EQ(str(light, "platform"), "light");
    EXPECT_EQ(str(light, "command_topic"), "mosaic/hotel-east/lobby/group/1/set");
    EXPECT_EQ(str(light, "brightness_command_topic"), "mosaic/hotel-east/lobby/group/1/set");
    EXPECT_EQ(str(light, "state_topic"), "mosaic/hotel-east/lobby/group/1");
    EXPECT_EQ(str(light, "brightness_state_topic"), "mosaic/hotel-east/lobby/group/1");
    EXPECT_EQ(light["brightness_scale"].GetInt(), 100);
    EXPECT_EQ(str(light, "on_command_type"), "brightness");
    EXPECT_NE(str(light, "state_value_template").find("> 0"), std::string::npos);
    EXPECT_NE(str(light, "brightness_value_template"), "<absent>");
}

TEST(HaPayload, TimelineIsASwitchWithItsObjectAsAttributesButNotItsPosition) {
    const auto doc = parse(controller_config(site(), documented_controller()));
    const auto& sw = component(doc, "timeline_1");
    EXPECT_EQ(str(sw, "platform"), "switch");
    EXPECT_EQ(str(sw, "command_topic"), "mosaic/hotel-east/lobby/timeline/1/set");
    EXPECT_EQ(str(sw, "json_attributes_topic"), "mosaic/hotel-east/lobby/timeline/1");
    EXPECT_NE(str(sw, "json_attributes_template").find("position"), std::string::npos);
    EXPECT_NE(str(sw, "value_template").find("running"), std::string::npos);
}

TEST(HaPayload, SceneBeaconSensorConnectionTextButtonAndEventFollowSection6) {
    const auto doc = parse(controller_config(site(), documented_controller()));
    const auto& scene = component(doc, "scene_2");
    EXPECT_EQ(str(scene, "platform"), "scene");
    EXPECT_EQ(str(scene, "command_topic"), "mosaic/hotel-east/lobby/scene/2/set");
    EXPECT_EQ(str(scene, "name"), "Dinner");

    const auto& beacon = component(doc, "beacon");
    EXPECT_EQ(str(beacon, "platform"), "switch");
    EXPECT_EQ(str(beacon, "command_topic"), "mosaic/hotel-east/lobby/beacon/set");

    const auto& sensor = component(doc, "temperature_sys_5ftemp");
    EXPECT_EQ(str(sensor, "platform"), "sensor");
    EXPECT_EQ(str(sensor, "unit_of_measurement"), "\xC2\xB0"
                                                  "C");
    EXPECT_EQ(str(sensor, "device_class"), "temperature");
    EXPECT_EQ(str(sensor, "state_class"), "measurement");
    EXPECT_EQ(str(sensor, "entity_category"), "diagnostic");
    EXPECT_EQ(str(sensor, "state_topic"), "mosaic/hotel-east/lobby/temperature");

    const auto& connection = component(doc, "connection");
    EXPECT_EQ(str(connection, "platform"), "binary_sensor");
    EXPECT_EQ(str(connection, "device_class"), "connectivity");
    EXPECT_EQ(str(connection, "entity_category"), "diagnostic");
    EXPECT_EQ(str(connection, "state_topic"), "mosaic/hotel-east/lobby/status");
    ASSERT_EQ(connection["availability"].Size(), 1u);
    EXPECT_EQ(str(connection["availability"][0], "topic"), "mosaic/hotel-east/gateway/status");

    const auto& text = component(doc, "text_slot_welcome");
    EXPECT_EQ(str(text, "platform"), "text");
    EXPECT_EQ(text["max"].GetInt(), 255);
    EXPECT_EQ(str(text, "command_topic"), "mosaic/hotel-east/lobby/text_slot/welcome/set");

    const auto& button = component(doc, "trigger_4");
    EXPECT_EQ(str(button, "platform"), "button");
    EXPECT_EQ(str(button, "command_topic"), "mosaic/hotel-east/lobby/trigger/4/set");
    EXPECT_EQ(str(button, "payload_press"), "{}");
    EXPECT_FALSE(button["enabled_by_default"].GetBool());

    const auto& event = component(doc, "log");
    EXPECT_EQ(str(event, "platform"), "event");
    EXPECT_EQ(str(event, "state_topic"), "mosaic/hotel-east/lobby/log");
    EXPECT_TRUE(event["event_types"].IsArray());
    EXPECT_FALSE(event["enabled_by_default"].GetBool());
}

TEST(HaPayload, ReadOnlyControllerHasNoEntityThatCommands) {
    auto m = documented_controller();
    m.read_only = true;
    const auto doc = parse(controller_config(site(), m));
    std::set<std::string> platforms;
    for (const auto& c : doc["components"].GetObject()) {
        EXPECT_FALSE(c.value.HasMember("command_topic")) << c.name.GetString();
        platforms.insert(str(c.value, "platform"));
    }
    EXPECT_EQ(platforms, (std::set<std::string>{"sensor", "binary_sensor", "event"}));
}

TEST(HaPayload, StaysValidJsonForQuotesSlashesNonAsciiAndBrokenUtf8) {
    auto m = documented_controller();
    m.timelines[7] = "Say \"hi\" / \\ back";
    m.groups[5] = "Caf\xC3\xA9 \xE2\x98\x95 \xF0\x9F\x8E\xAD";
    m.scenes[9] = "bad \xC3 byte";
    m.text_slots.push_back("a/b+#\"c\"");
    const auto text = controller_config(site(), m);
    const auto doc = parse(text);
    EXPECT_EQ(str(component(doc, "timeline_7"), "name"), "Say \"hi\" / \\ back");
    EXPECT_EQ(str(component(doc, "group_5"), "name"), "Caf\xC3\xA9 \xE2\x98\x95 \xF0\x9F\x8E\xAD");
    EXPECT_EQ(str(component(doc, "scene_9"), "name"), "bad \xEF\xBF\xBD byte");
    const auto& slot = component(doc, "text_slot_a_2fb_2b_23_22c_22");
    EXPECT_EQ(str(slot, "command_topic"), "mosaic/hotel-east/lobby/text_slot/a_b__\"c\"/set");
}

TEST(HaPayload, RemovedComponentsGoOutAsTheirPlatformAlone) {
    auto m = documented_controller();
    const auto before = components_of(m);
    m.timelines.erase(3);
    const std::vector<component_ref> removed{{"timeline_3", "switch"}};
    const auto doc = parse(controller_config(site(), m, removed));
    const auto& gone = component(doc, "timeline_3");
    ASSERT_TRUE(gone.IsObject());
    EXPECT_EQ(gone.MemberCount(), 1u);
    EXPECT_EQ(str(gone, "platform"), "switch");
    EXPECT_EQ(components_of(m).size() + 1, before.size());
}

TEST(HaPayload, GatewayDeviceHasAConnectivitySensorAndNoVia) {
    const auto doc = parse(gateway_config(site()));
    EXPECT_EQ(std::string(doc["device"]["identifiers"][0].GetString()), "mosaic_gw_hotel-east");
    EXPECT_FALSE(doc["device"].HasMember("via_device"));
    const auto& c = component(doc, "connection");
    EXPECT_EQ(str(c, "platform"), "binary_sensor");
    EXPECT_EQ(str(c, "unique_id"), "mosaic_gw_hotel-east_connection");
    EXPECT_EQ(str(c, "state_topic"), "mosaic/hotel-east/gateway/status");
    for (const auto& member : doc.GetObject())
        EXPECT_TRUE(std::set<std::string>({"device", "origin", "components"})
                        .count(member.name.GetString()));
}

TEST(HaModel, PartialRepliesOnlyAddWholeRepliesAlsoRemove) {
    auto m = documented_controller();
    EXPECT_FALSE(apply_reply(m, "timeline", parse(R"({"timelines":[{"num":1,"name":"Intro"}]})"),
                             reply_scope::partial));
    EXPECT_EQ(m.timelines.size(), 2u);
    EXPECT_TRUE(apply_reply(m, "timeline", parse(R"({"timelines":[{"num":1,"name":"Intro"}]})"),
                            reply_scope::whole));
    EXPECT_EQ(m.timelines.size(), 1u);
    EXPECT_FALSE(apply_reply(m, "system", parse(R"({"hardware_type":"MSC"})"), reply_scope::whole));
    EXPECT_EQ(m.serial, "030208");
    EXPECT_FALSE(apply_reply(m, "group", parse(R"({"groups":"nonsense"})"), reply_scope::whole));
    EXPECT_EQ(m.groups.size(), 2u);
}

} // namespace
} // namespace mg::features::ha
