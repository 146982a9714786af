// Every state and value template of the discovery payload, rendered by Jinja2 (the engine Home
// Assistant renders them with) over the state payloads the gateway publishes.
#include "gateway/features/ha_payload.hpp"
#include "tests/support/ha_template_check.hpp"

#include <gtest/gtest.h>

namespace mg::features::ha {
namespace {

using test::template_case;

controller_model controller() {
    controller_model m;
    m.name = "lobby";
    m.serial = "030208";
    m.groups = {{0, "All Fixtures"}, {1, "Bar"}};
    m.timelines = {{1, "Intro"}};
    m.temperatures = {"sys_temp"};
    m.text_slots = {"welcome", "Say \"hi\" {{ 'x' }} caf\xC3\xA9 \\"};
    return m;
}

TEST(HaTemplates, RenderAsHomeAssistantRendersThem) {
    const discovery_site site{"homeassistant", "demo", topic_scheme("mosaic", "demo")};
    const auto config = controller_config(site, controller());
    const std::string group = R"({"num":1,"name":"Bar","level":)";
    const std::string timeline =
        R"({"num":1,"name":"Intro","group":"A","length":60000,"onstage":true,"position":1200,)"
        R"("state":)";
    const std::string long_text(300, 'x');
    const std::string slots = R"({"text_slots":[{"name":"welcome","value":"Hello"},)"
                              R"({"name":"Say \"hi\" {{ 'x' }} caf\u00e9 \\","value":")" +
                              long_text + R"("}]})";
    const std::vector<template_case> cases{
        {"c", "group_1", "state_value_template", group + "0}", "OFF"},
        {"c", "group_1", "state_value_template", group + "63}", "ON"},
        {"c", "group_1", "brightness_value_template", group + "63}", "63"},
        {"c", "group_0", "state_value_template", R"({"name":"All Fixtures","level":100})", "ON"},
        {"c", "timeline_1", "value_template", timeline + R"("running"})", "ON"},
        {"c", "timeline_1", "value_template", timeline + R"("paused"})", "ON"},
        {"c", "timeline_1", "value_template", timeline + R"("holding_at_end"})", "ON"},
        {"c", "timeline_1", "value_template", timeline + R"("released"})", "OFF"},
        {"c", "timeline_1", "value_template", timeline + R"("none"})", "OFF"},
        {"c", "timeline_1", "json_attributes_template", timeline + R"("running"})",
         R"({"num":1,"name":"Intro","group":"A","length":60000,"onstage":true,"state":"running"})",
         true},
        {"c", "beacon", "value_template", R"({"on":true})", "ON"},
        {"c", "beacon", "value_template", R"({"on":false})", "OFF"},
        {"c", "temperature_sys_5ftemp", "value_template", R"({"sys_temp":40,"cc_temp":45})", "40"},
        {"c", "text_slot_welcome", "value_template", slots, "Hello"},
        {"c", "text_slot_Say_20_22hi_22_20_7b_7b_20_27x_27_20_7d_7d_20caf_c3_a9_20_5c",
         "value_template", slots, std::string(255, 'x')},
        {"c", "log", "value_template",
         R"({"utc":"2025-08-04T09:07:35Z","category":"Trigger","level":"Normal","text":"x"})",
         R"({"event_type":"Normal"})", true},
    };
    bool ok = false;
    const auto output = test::check_templates({{"c", config}}, cases, ok);
    EXPECT_TRUE(ok) << output;
}

} // namespace
} // namespace mg::features::ha
