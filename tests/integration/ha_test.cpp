// Home Assistant discovery end to end: a real mosquitto, mosaic-sim and the gateway binary, with
// the test client in Home Assistant's place.

#include "tests/support/ha_template_check.hpp"
#include "tests/support/mosquitto.hpp"
#include "tests/support/mqtt_recorder.hpp"
#include "tests/support/sim_process.hpp"

#include <csignal>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace mg::test {
namespace {

// The sim's serials: 00906<index>.
const std::string lobby_config = "homeassistant/device/mosaic_009060/config";
const std::string ballroom_config = "homeassistant/device/mosaic_009061/config";
const std::string gateway_config = "homeassistant/device/mosaic_gw_hotel/config";

std::string site_yaml(const mosquitto& broker, const sim_process& sim, bool with_ballroom = true) {
    std::string yaml = "site: hotel\nmqtt:\n  url: " + broker.url() + "\ncontrollers:\n";
    yaml += "  - name: lobby\n    url: " + sim.url(0) + "\n";
    if (with_ballroom)
        yaml += "  - name: ballroom\n    url: " + sim.url(1) + "\n    read_only: true\n";
    return yaml + "homeassistant: { enabled: true }\nlogging:\n  level: debug\n";
}

rapidjson::Document parse(const std::string& text) {
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    return doc;
}

bool has_component(const recorded_message& m, const char* key) {
    const auto doc = parse(m.payload);
    return doc.IsObject() && doc.HasMember("components") && doc["components"].HasMember(key);
}

class HomeAssistant : public ::testing::Test {
protected:
    void SetUp() override { broker.start(); }

    mosquitto broker;
    sim_process sim{{"--controllers", "2", "--tick", "0"}};
};

TEST_F(HomeAssistant, ConfigsAppearOnceTheSystemReplyIsKnownAndTemplatesRenderRealState) {
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, sim));

    const auto gw = mqtt.wait_for(gateway_config);
    ASSERT_TRUE(gw) << gateway.log();
    EXPECT_TRUE(gw->retained);
    EXPECT_EQ(gw->qos, 1);
    const auto lobby = mqtt.wait_for(lobby_config, [](const auto& m) {
        return has_component(m, "group_1") && has_component(m, "timeline_2") &&
               has_component(m, "text_slot_welcome") && has_component(m, "trigger_1");
    });
    ASSERT_TRUE(lobby) << gateway.log();
    EXPECT_TRUE(lobby->retained);
    EXPECT_EQ(lobby->qos, 1);
    const auto doc = parse(lobby->payload);
    EXPECT_STREQ(doc["device"]["name"].GetString(), "lobby");
    EXPECT_STREQ(doc["device"]["via_device"].GetString(), "mosaic_gw_hotel");
    EXPECT_STREQ(doc["device"]["serial_number"].GetString(), "009060");
    // The gateway's device went out before any controller's.
    const auto all = mqtt.messages("homeassistant/device/+/config");
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(all.front().topic, gateway_config);

    // The read-only controller has no entity that commands.
    const auto ballroom = mqtt.wait_for(ballroom_config);
    ASSERT_TRUE(ballroom) << gateway.log();
    EXPECT_EQ(ballroom->payload.find("command_topic"), std::string::npos);
    EXPECT_NE(ballroom->payload.find("\"connection\""), std::string::npos);

    // Real state payloads from the sim, rendered the way Home Assistant renders them.
    const auto state = [&](std::string_view topic, const char* needle) {
        const auto m = mqtt.wait_for(
            topic, [&](const auto& r) { return r.payload.find(needle) != std::string::npos; });
        EXPECT_TRUE(m) << topic << " never held " << needle;
        return m ? m->payload : std::string();
    };
    sim.control("POST", "/controllers/0/group", R"({"num":1,"level":0})");
    const auto off = state("mosaic/hotel/lobby/group/1", R"("level":0)");
    sim.control("POST", "/controllers/0/group", R"({"num":1,"level":63})");
    const auto on = state("mosaic/hotel/lobby/group/1", R"("level":63)");
    sim.control("POST", "/controllers/0/timeline", R"({"num":2,"state":"running","position":900})");
    const auto running = state("mosaic/hotel/lobby/timeline/2", R"("state":"running")");
    const auto welcome = state("mosaic/hotel/lobby/text_slot", "welcome");
    bool ok = false;
    const auto output =
        check_templates({{"lobby", lobby->payload}},
                        {{"lobby", "group_1", "state_value_template", off, "OFF"},
                         {"lobby", "group_1", "state_value_template", on, "ON"},
                         {"lobby", "group_1", "brightness_value_template", on, "63"},
                         {"lobby", "timeline_2", "value_template", running, "ON"},
                         {"lobby", "text_slot_welcome", "value_template", welcome, "Hello World!"}},
                        ok);
    EXPECT_TRUE(ok) << output;
}

TEST_F(HomeAssistant, AnnouncesAgainAfterHomeAssistantComesOnline) {
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, sim));
    ASSERT_TRUE(mqtt.wait_for(lobby_config, [](const auto& m) {
        return has_component(m, "trigger_1");
    })) << gateway.log();
    // Quiet first: replies still arriving (text slots, triggers) may change the config.
    auto before = mqtt.messages(lobby_config).size();
    for (int i = 0; i < 10; ++i) {
        const auto now = mqtt.wait_count(lobby_config, before + 1, 1s).size();
        if (now == before)
            break;
        before = now;
    }
    const auto gw_before = mqtt.messages(gateway_config).size();
    const auto birth = std::chrono::steady_clock::now();
    mqtt.publish("homeassistant/status", "online");
    const auto again = mqtt.wait_count(lobby_config, before + 1, 10s);
    ASSERT_EQ(again.size(), before + 1) << gateway.log();
    EXPECT_GE(again.back().at - birth, 900ms) << "HA gets time to subscribe first";
    EXPECT_EQ(mqtt.messages(gateway_config).size(), gw_before + 1);
    EXPECT_EQ(again.back().payload, again[before - 1].payload);
}

TEST_F(HomeAssistant, AProjectChangeAddsAndRemovesComponentsTheDocumentedWay) {
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, sim, false));
    ASSERT_TRUE(mqtt.wait_for(lobby_config, [](const auto& m) {
        return has_component(m, "timeline_4");
    })) << gateway.log();

    // A new upload: timeline 4 is gone, timeline 5 is new.
    sim.control("POST", "/controllers/0/set",
                R"({"request":"timeline","data":{"timelines":[{"num":1,"name":"Timeline 1"},)"
                R"({"num":2,"name":"Timeline 2"},{"num":3,"name":"Timeline 3"},)"
                R"({"num":5,"name":"Finale \"big\" / caf\u00e9"}]}})");
    sim.control(
        "POST", "/controllers/0/set",
        R"({"request":"project","data":{"name":"Show 2","upload_date":"2026-01-01T00:00:00"}})");
    mqtt.publish("mosaic/hotel/lobby/project/get", "");

    const auto removal = mqtt.wait_for(lobby_config, [](const auto& m) {
        const auto doc = parse(m.payload);
        return has_component(m, "timeline_5") && has_component(m, "timeline_4") &&
               doc["components"]["timeline_4"].MemberCount() == 1;
    });
    ASSERT_TRUE(removal) << gateway.log();
    EXPECT_STREQ(parse(removal->payload)["components"]["timeline_4"]["platform"].GetString(),
                 "switch");
    const auto after = mqtt.wait_for(lobby_config, [](const auto& m) {
        return has_component(m, "timeline_5") && !has_component(m, "timeline_4");
    });
    ASSERT_TRUE(after) << gateway.log();
    EXPECT_STREQ(parse(after->payload)["components"]["timeline_5"]["name"].GetString(),
                 "Finale \"big\" / caf\xC3\xA9");
}

TEST_F(HomeAssistant, AReloadThatRemovesAControllerEmptiesItsConfigAndSigtermLeavesConfigs) {
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, sim));
    ASSERT_TRUE(mqtt.wait_for(lobby_config)) << gateway.log();
    ASSERT_TRUE(mqtt.wait_for(ballroom_config)) << gateway.log();

    gateway.dir().write("site.yaml", site_yaml(broker, sim, false));
    gateway.proc().signal(SIGHUP);
    const auto emptied =
        mqtt.wait_for(ballroom_config, [](const auto& m) { return m.payload.empty(); });
    ASSERT_TRUE(emptied) << gateway.log();

    EXPECT_EQ(gateway.stop(), 0) << gateway.log();
    ASSERT_TRUE(mqtt.wait_for_payload("mosaic/hotel/gateway/status", "offline"));
    mqtt_recorder late(broker.paho_uri());
    const auto kept = late.wait_for(lobby_config);
    ASSERT_TRUE(kept) << "SIGTERM must leave the configs";
    EXPECT_TRUE(kept->retained);
    EXPECT_FALSE(kept->payload.empty());
    EXPECT_TRUE(late.wait_for(gateway_config));
    EXPECT_FALSE(late.wait_for(ballroom_config, 500ms));
}

TEST_F(HomeAssistant, StartUpClearsThisSitesStaleControllerConfigsOnly) {
    const auto config = [](std::string_view via, std::string_view name) {
        return R"({"device":{"identifiers":["x"],"name":")" + std::string(name) +
               R"(","via_device":")" + std::string(via) +
               R"("},"origin":{"name":"x"},"components":{}})";
    };
    const std::string stale = "homeassistant/device/mosaic_777/config";
    const std::string other = "homeassistant/device/mosaic_888/config";
    {
        mqtt_recorder seed(broker.paho_uri());
        seed.publish(stale, config("mosaic_gw_hotel", "renamed-away"), true);
        seed.publish(other, config("mosaic_gw_elsewhere", "renamed-away"), true);
        ASSERT_TRUE(seed.wait_for(stale));
        ASSERT_TRUE(seed.wait_for(other));
    }
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, sim, false));
    ASSERT_TRUE(mqtt.wait_for(stale, [](const auto& m) { return m.payload.empty(); }))
        << gateway.log();
    ASSERT_TRUE(mqtt.wait_for(lobby_config)) << gateway.log();
    mqtt_recorder late(broker.paho_uri());
    const auto kept = late.wait_for(other);
    ASSERT_TRUE(kept) << "another site's config is never touched";
    EXPECT_FALSE(kept->payload.empty());
}

TEST_F(HomeAssistant, TheGroupLightsBrightnessAsHomeAssistantSendsItSetsTheGroupLevel) {
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, sim, false));
    const auto config =
        mqtt.wait_for(lobby_config, [](const auto& m) { return has_component(m, "group_1"); });
    ASSERT_TRUE(config) << gateway.log();
    ASSERT_TRUE(mqtt.wait_for_payload("mosaic/hotel/lobby/status", "online"));
    const auto doc = parse(config->payload);
    const auto& light = doc["components"]["group_1"];
    // What Home Assistant publishes: with on_command_type brightness, the brightness scaled to
    // brightness_scale alone on the brightness topic, and payload_off on the command topic.
    mqtt.publish(light["brightness_command_topic"].GetString(), "63");
    EXPECT_TRUE(mqtt.wait_for("mosaic/hotel/lobby/group/1", [](const auto& m) {
        return m.payload.find(R"("level":63)") != std::string::npos;
    })) << gateway.log();
    mqtt.publish(light["command_topic"].GetString(), light["payload_off"].GetString());
    EXPECT_TRUE(mqtt.wait_for("mosaic/hotel/lobby/group/1", [](const auto& m) {
        return m.payload.find(R"("level":0)") != std::string::npos;
    })) << gateway.log();
}

TEST_F(HomeAssistant, HostileRetainedConfigsAtStartAndWhileRunningLeaveTheGatewayServing) {
    // 200,000 nested arrays: what a recursive JSON parser overflows its stack on.
    const std::string deep = std::string(200000, '[') + std::string(200000, ']');
    const std::string before_start = "homeassistant/device/anything/config";
    const std::string while_running = "homeassistant/device/anything_else/config";
    {
        mqtt_recorder seed(broker.paho_uri());
        seed.publish(before_start, deep, true);
        ASSERT_TRUE(seed.wait_for(before_start));
    }
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, sim, false));
    ASSERT_TRUE(mqtt.wait_for(lobby_config)) << gateway.log();
    ASSERT_TRUE(mqtt.wait_for_payload("mosaic/hotel/lobby/status", "online")) << gateway.log();

    mqtt.publish(while_running, deep, true);
    ASSERT_TRUE(mqtt.wait_for(while_running));
    // Still up and still bridging: a level set on the simulator reaches the broker.
    sim.control("POST", "/controllers/0/group", R"({"num":1,"level":37})");
    EXPECT_TRUE(mqtt.wait_for("mosaic/hotel/lobby/group/1", [](const auto& m) {
        return m.payload.find(R"("level":37)") != std::string::npos;
    })) << gateway.log();
    EXPECT_TRUE(gateway.proc().running()) << gateway.log();
    EXPECT_NE(gateway.log().find("nested deeper than"), std::string::npos) << gateway.log();
    EXPECT_EQ(gateway.stop(), 0) << gateway.log();
}

} // namespace
} // namespace mg::test
