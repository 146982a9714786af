// Control from MQTT end to end (README "Commands"): every command topic against a real
// mosaic-sim, checked by the HTTP calls the simulator received, the state that came back over
// the WebSocket, and the MQTT 5 answers and C/error reports.

#include "tests/support/mosquitto.hpp"
#include "tests/support/mqtt_recorder.hpp"
#include "tests/support/sim_process.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace mg::test {
namespace {

using namespace std::chrono_literals;

const std::string P = "mosaic/hotel";
const std::string C = P + "/lobby";
const std::string answers = "answers/me";

struct received_call {
    std::string method;
    std::string path;
    std::string body;
    int status = 0;
};

std::vector<received_call> http_calls(sim_process& sim, std::size_t controller) {
    const auto text = sim.control("GET", "/controllers/" + std::to_string(controller) + "/http-calls");
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    std::vector<received_call> calls;
    if (!doc.IsObject() || !doc.HasMember("calls") || !doc["calls"].IsArray()) {
        ADD_FAILURE() << "unexpected http-calls answer: " << text;
        return calls;
    }
    for (const auto& c : doc["calls"].GetArray()) {
        calls.push_back({c["method"].GetString(), c["path"].GetString(), c["body"].GetString(),
                         c["status"].GetInt()});
    }
    return calls;
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

std::string controller_yaml(std::string_view name, const std::string& url,
                            std::string_view extra = {}) {
    return "  - name: " + std::string(name) + "\n    url: " + url + "\n" + std::string(extra);
}

class Control : public ::testing::Test {
protected:
    void SetUp() override {
        broker.start();
        mqtt.emplace(broker.paho_uri());
    }

    void start_gateway(const std::string& controllers) {
        gateway.emplace("site: hotel\nmqtt:\n  url: " + broker.url() + "\ncontrollers:\n" +
                        controllers + "logging:\n  level: debug\n");
        ASSERT_TRUE(mqtt->wait_for_payload(C + "/status", "online")) << gateway->log();
    }

    // A command as an MQTT 5 request; its answer, or nothing at the deadline.
    std::optional<recorded_message> command(const std::string& topic, std::string_view payload) {
        const auto id = "c" + std::to_string(++sequence);
        mqtt->publish(topic, payload, false, answers, id);
        return mqtt->wait_for(answers, [&](const recorded_message& m) {
            return m.correlation_data == id;
        });
    }

    // The command subscriptions are made after the broker connection; until then nothing
    // answers. A refused command makes no call, so it may be repeated safely.
    void wait_until_commands_are_taken(const std::string& controller_topic) {
        std::optional<recorded_message> answer;
        for (int attempt = 0; attempt < 40 && !answer; ++attempt) {
            mqtt->publish(controller_topic + "/timeline/x/set", "start", false, answers, "probe");
            answer = mqtt->wait_for(
                answers, [](const recorded_message& m) { return m.correlation_data == "probe"; },
                250ms);
        }
        ASSERT_TRUE(answer) << gateway->log();
        mqtt->clear();
    }

    mosquitto broker;
    sim_process sim{{"--controllers", "3", "--tick", "0"}};
    std::optional<mqtt_recorder> mqtt;
    std::optional<gateway_process> gateway;
    int sequence = 0;
};

struct row {
    std::string suffix;
    std::string payload;
    std::string method;
    std::string path;
    std::string body; // what the controller must receive
    std::string state_topic;
    std::string state_part; // the state that must come back there
};

TEST_F(Control, EveryCommandBecomesTheDocumentedCallAndTheStateComesBack) {
    start_gateway(controller_yaml("lobby", sim.url(0)));
    wait_until_commands_are_taken(C);
    // In order: later rows build on the state earlier ones left.
    const std::vector<row> rows{
        {"timeline/1/set", "start", "POST", "/api/timeline", R"({"action":"start","num":1})",
         "timeline/1", R"("state":"running")"},
        {"timeline/1/set", R"({"action":"set_position","flag":"Start sparkle","num":4})", "POST",
         "/api/timeline", R"({"action":"set_position","num":1,"flag":"Start sparkle"})",
         "timeline/1", R"("position":10000)"},
        {"timeline/1/set", R"({"action":"set_rate","rate":0.5})", "POST", "/api/timeline",
         R"({"action":"set_rate","num":1,"rate":"0.5"})", "", ""},
        {"timeline/1/set", "PAUSE", "POST", "/api/timeline", R"({"action":"pause","num":1})",
         "timeline/1", R"("state":"paused")"},
        {"timeline/set", R"({"action":"resume","extra":true})", "POST", "/api/timeline",
         R"({"action":"resume"})", "timeline/1", R"("state":"running")"},
        {"timeline/1/set", R"({"action":"toggle","fade":1.5})", "POST", "/api/timeline",
         R"({"action":"toggle","num":1,"fade":1.5})", "timeline/1", R"("state":"released")"},
        {"timeline/2/set", R"({"action":"start_release_others","same_group":true})", "POST",
         "/api/timeline", R"({"action":"start_release_others","num":2,"same_group":true})",
         "timeline/2", R"("state":"running")"},
        {"timeline/set", R"({"action":"release","group":"A","fade":0})", "POST",
         "/api/timeline", R"({"action":"release","group":"A","fade":0})", "timeline/2",
         R"("state":"released")"},
        {"timeline/3/set", "ON", "POST", "/api/timeline", R"({"action":"start","num":3})",
         "timeline/3", R"("state":"running")"},
        {"timeline/3/set", "off", "POST", "/api/timeline", R"({"action":"release","num":3})",
         "timeline/3", R"("state":"released")"},
        {"scene/2/set", "ON", "POST", "/api/scene", R"({"action":"start","num":2})", "scene/2",
         R"("state":"started")"},
        {"scene/2/set", "OFF", "POST", "/api/scene", R"({"action":"release","num":2})",
         "scene/2", R"("state":"released")"},
        {"scene/1/set", R"({"action":"start_release_others","fade":2,"group":"A"})", "POST",
         "/api/scene", R"({"action":"start_release_others","num":1,"fade":2,"group":"A"})",
         "scene/1", R"("state":"started")"},
        {"scene/set", "release", "POST", "/api/scene", R"({"action":"release"})", "scene/1",
         R"("state":"released")"},
        {"scene/3/set", "toggle", "POST", "/api/scene", R"({"action":"toggle","num":3})",
         "scene/3", R"("state":"started")"},
        {"group/1/set", "40", "POST", "/api/group",
         R"({"action":"master_intensity","num":1,"level":"40:100"})", "group/1", R"("level":40)"},
        {"group/1/set", R"({"level":37.5,"fade":1,"delay":0})", "POST", "/api/group",
         R"({"action":"master_intensity","num":1,"level":"375:1000","fade":1,"delay":0})",
         "group/1", R"("level":38)"},
        {"group/1/set", "OFF", "POST", "/api/group",
         R"({"action":"master_intensity","num":1,"level":"0:100"})", "group/1", R"("level":0)"},
        // ON: the last non-zero level the controller reported.
        {"group/1/set", "ON", "POST", "/api/group",
         R"({"action":"master_intensity","num":1,"level":"38:100"})", "group/1", R"("level":38)"},
        {"group/0/set", "55", "POST", "/api/group",
         R"({"action":"master_intensity","num":0,"level":"55:100"})", "group/0", R"("level":55)"},
        {"trigger/2/set", "", "POST", "/api/trigger", R"({"num":2})", "log",
         "Enqueue trigger 2"},
        {"trigger/3/set", R"({"var":"2,4,5","conditions":false})", "POST", "/api/trigger",
         R"({"num":3,"var":"2,4,5","conditions":false})", "log", "Enqueue trigger 3"},
        {"text_slot/welcome/set", "Grüße, \"Ana\"", "PUT", "/api/text_slot",
         R"({"name":"welcome","value":"Grüße, \"Ana\""})", "", ""},
        {"beacon/set", "ON", "POST", "/api/beacon", "", "beacon", R"({"on":true})"},
        {"beacon/set", "toggle", "POST", "/api/beacon", "", "beacon", R"({"on":false})"},
    };
    std::size_t calls_before = 0;
    for (const auto& r : rows) {
        SCOPED_TRACE(r.suffix + " <- " + r.payload);
        const auto answer = command(C + "/" + r.suffix, r.payload);
        ASSERT_TRUE(answer) << gateway->log();
        EXPECT_EQ(answer->payload, R"({"ok":true})");
        const auto calls = http_calls(sim, 0);
        ASSERT_EQ(calls.size(), calls_before + 1);
        calls_before = calls.size();
        EXPECT_EQ(calls.back().method, r.method);
        EXPECT_EQ(calls.back().path, r.path);
        EXPECT_EQ(calls.back().body, r.body);
        EXPECT_EQ(calls.back().status, 204);
        if (!r.state_topic.empty()) {
            EXPECT_TRUE(mqtt->wait_for(C + "/" + r.state_topic, [&](const recorded_message& m) {
                return contains(m.payload, r.state_part);
            })) << r.state_topic;
        }
    }
    EXPECT_TRUE(mqtt->messages(C + "/error").empty());

    // The text slot has no channel: a request shows the new value.
    mqtt->publish(C + "/text_slot/get", "");
    EXPECT_TRUE(mqtt->wait_for(C + "/text_slot", [](const recorded_message& m) {
        return contains(m.payload, R"(Grüße, \"Ana\")");
    }));

    // Beacon ON and OFF call the toggling API only when the state differs.
    const auto off = command(C + "/beacon/set", "OFF");
    ASSERT_TRUE(off);
    EXPECT_EQ(off->payload, R"({"ok":true})");
    EXPECT_EQ(http_calls(sim, 0).size(), calls_before);

    // Every command was logged with its action and outcome.
    EXPECT_TRUE(contains(gateway->log(), "lobby: command " + C + "/group/1/set (master_intensity): ok in"))
        << gateway->log();
}

TEST_F(Control, ContentTargetsTakeLevelsByTheirReportedNames) {
    sim_process atlas{{"--hardware", "Atlas_Pro", "--tick", "0"}};
    start_gateway(controller_yaml("lobby", atlas.url(0)));
    wait_until_commands_are_taken(C);
    const auto first = command(C + "/content_target/Target 3/set", "60");
    ASSERT_TRUE(first) << gateway->log();
    EXPECT_EQ(first->payload, R"({"ok":true})");
    EXPECT_TRUE(mqtt->wait_for(C + "/content_target/Target 3", [](const recorded_message& m) {
        return contains(m.payload, R"("level":60)");
    }));
    ASSERT_TRUE(command(C + "/content_target/Target 3/set", "OFF"));
    ASSERT_TRUE(command(C + "/content_target/Primary/set", R"({"level":25,"fade":2})"));
    ASSERT_TRUE(command(C + "/content_target/Target 3/set", "ON"));
    const auto calls = http_calls(atlas, 0);
    ASSERT_EQ(calls.size(), 4u);
    for (const auto& c : calls) {
        EXPECT_EQ(c.method, "POST");
        EXPECT_EQ(c.path, "/api/content_target");
        EXPECT_EQ(c.status, 204);
    }
    EXPECT_EQ(calls[0].body, R"({"action":"master_intensity","type":"target_3","level":"60:100"})");
    EXPECT_EQ(calls[1].body, R"({"action":"master_intensity","type":"target_3","level":"0:100"})");
    EXPECT_EQ(calls[2].body,
              R"({"action":"master_intensity","type":"primary","level":"25:100","fade":2})");
    EXPECT_EQ(calls[3].body, R"({"action":"master_intensity","type":"target_3","level":"60:100"})");
    EXPECT_TRUE(mqtt->wait_for(C + "/content_target/Primary", [](const recorded_message& m) {
        return contains(m.payload, R"("level":25)");
    }));
}

TEST_F(Control, RefusedCommandsMakeNoCallAndSayWhy) {
    start_gateway(controller_yaml("lobby", sim.url(0)));
    wait_until_commands_are_taken(C);
    struct refusal {
        std::string suffix;
        std::string payload;
        std::string detail_part;
    };
    const std::vector<refusal> refusals{
        {"timeline/1/set", "jump", "unknown timeline action 'jump'"},
        {"timeline/one/set", "start", "is not a number"},
        {"group/1/set", "101", "0-100"},
        {"group/1/set", "{\"level\":", "not valid JSON"},
        {"scene/1/set", "pause", "unknown scene action"},
        {"timeline/set", R"({"action":"release","num":2})", "timeline/<num>/set"},
        {"beacon/set", "blink", "ON, OFF or toggle"},
        {"lamp/1/set", "ON", "no command topic"},
        {"text_slot/welcome/set", std::string(5000, 'x'), "larger than 4096 bytes"},
        {"trigger/1/set", "{\"var\":" + std::string(40, '[') + std::string(40, ']') + "}",
         "deeper than 32"},
    };
    for (const auto& r : refusals) {
        SCOPED_TRACE(r.suffix);
        mqtt->clear();
        const auto answer = command(C + "/" + r.suffix, r.payload);
        ASSERT_TRUE(answer) << gateway->log();
        EXPECT_TRUE(contains(answer->payload, R"("error":"invalid_payload")")) << answer->payload;
        EXPECT_TRUE(contains(answer->payload, r.detail_part)) << answer->payload;
        const auto error = mqtt->wait_for(C + "/error");
        ASSERT_TRUE(error);
        EXPECT_EQ(error->payload, answer->payload);
        EXPECT_FALSE(error->retained);
        EXPECT_TRUE(contains(error->payload, "\"topic\":\"" + C + "/" + r.suffix + "\""));
    }
    EXPECT_TRUE(http_calls(sim, 0).empty());
}

TEST_F(Control, ControllerRefusalIsRejectedWithItsStatusAndBody) {
    start_gateway(controller_yaml("lobby", sim.url(0)));
    wait_until_commands_are_taken(C);
    const auto answer = command(C + "/group/99/set", "40");
    ASSERT_TRUE(answer) << gateway->log();
    EXPECT_TRUE(contains(answer->payload, R"("error":"rejected")")) << answer->payload;
    EXPECT_TRUE(contains(answer->payload, R"("detail":"HTTP 400: )")) << answer->payload;
    EXPECT_TRUE(contains(answer->payload, "no such group")) << answer->payload;
    EXPECT_TRUE(mqtt->wait_for(C + "/error", [](const recorded_message& m) {
        return contains(m.payload, R"("error":"rejected")");
    }));
    const auto calls = http_calls(sim, 0);
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].status, 400);
}

TEST_F(Control, RetainedCommandsNeverFire) {
    // Left on the broker before the gateway starts: what a restart would replay.
    mqtt->publish(C + "/timeline/1/set", "start", true);
    start_gateway(controller_yaml("lobby", sim.url(0)));
    const auto stale = mqtt->wait_for(C + "/error", [](const recorded_message& m) {
        return contains(m.payload, R"("error":"retained")");
    });
    ASSERT_TRUE(stale) << gateway->log();
    EXPECT_TRUE(contains(stale->payload, "\"topic\":\"" + C + "/timeline/1/set\""));
    wait_until_commands_are_taken(C);
    EXPECT_TRUE(http_calls(sim, 0).empty());
    const auto timeline = mqtt->last(C + "/timeline/1");
    EXPECT_TRUE(!timeline || !contains(timeline->payload, R"("state":"running")"));
}

TEST_F(Control, NoBudgetAndReadOnlyControllers) {
    start_gateway(controller_yaml("lobby", sim.url(0)) +
                  controller_yaml("tight", sim.url(1), "    max_connections: 1\n") +
                  controller_yaml("quiet", sim.url(2), "    read_only: true\n"));
    ASSERT_TRUE(mqtt->wait_for_payload(P + "/tight/status", "online"));
    ASSERT_TRUE(mqtt->wait_for_payload(P + "/quiet/status", "online"));
    wait_until_commands_are_taken(C);

    const auto refused = command(P + "/tight/timeline/1/set", "start");
    ASSERT_TRUE(refused) << gateway->log();
    EXPECT_TRUE(contains(refused->payload, R"("error":"no_budget")")) << refused->payload;
    EXPECT_TRUE(mqtt->wait_for(P + "/tight/error", [](const recorded_message& m) {
        return contains(m.payload, R"("error":"no_budget")");
    }));

    // A read-only controller has no command topics: nothing answers, nothing is called. The
    // lobby's answer to a later command shows the gateway had time to act on both.
    mqtt->publish(P + "/quiet/timeline/1/set", "start", false, answers, "quiet");
    ASSERT_TRUE(command(C + "/timeline/1/set", "start"));
    EXPECT_TRUE(mqtt->messages(P + "/quiet/error").empty());
    for (const auto& m : mqtt->messages(answers))
        EXPECT_NE(m.correlation_data, "quiet");
    EXPECT_TRUE(http_calls(sim, 1).empty());
    EXPECT_TRUE(http_calls(sim, 2).empty());
    EXPECT_EQ(http_calls(sim, 0).size(), 1u);
}

TEST_F(Control, Mqtt311CommandsAnswerOnTheErrorTopicOnly) {
    start_gateway(controller_yaml("lobby", sim.url(0)));
    wait_until_commands_are_taken(C);
    recorder_options options;
    options.uri = broker.paho_uri();
    options.protocol = 3;
    options.filters = {C + "/error", C + "/group/2"};
    mqtt_recorder old(options);
    old.publish(C + "/group/2/set", "25");
    EXPECT_TRUE(old.wait_for(C + "/group/2", [](const recorded_message& m) {
        return contains(m.payload, R"("level":25)");
    })) << gateway->log();
    old.publish(C + "/group/2/set", "lots");
    EXPECT_TRUE(old.wait_for(C + "/error", [](const recorded_message& m) {
        return contains(m.payload, R"("error":"invalid_payload")");
    }));
}

} // namespace
} // namespace mg::test
