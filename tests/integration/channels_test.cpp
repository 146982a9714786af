// Every channel and request mapped end to end, and on-demand get with MQTT 5 response topics.

#include "gateway/protocol/catalogue.hpp"
#include "tests/support/mosquitto.hpp"
#include "tests/support/mqtt_recorder.hpp"
#include "tests/support/sim_process.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace mg::test {
namespace {

using namespace std::chrono_literals;

const std::string C = "mosaic/hotel/lobby";

std::string json_string(std::string_view text) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
    return buffer.GetString();
}

class Channels : public ::testing::Test {
protected:
    void SetUp() override { broker.start(); }

    void broadcast(std::string_view frame) {
        sim.control("POST", "/controllers/0/broadcast", "{\"frame\":" + json_string(frame) + "}");
    }

    mosquitto broker;
    sim_process sim{{"--hardware", "Atlas"}};
};

TEST_F(Channels, EveryChannelReachesItsTopics) {
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway("site: hotel\nmqtt: { url: '" + broker.url() +
                            "' }\ncontrollers:\n  - { name: lobby, url: '" + sim.url() +
                            "', poll: [] }\n");
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();

    struct expectation {
        const char* frame;
        std::string topic;
        std::string contains;
    };
    const std::vector<expectation> cases{
        {R"({"broadcast":"timeline","data":{"num":3,"state":"paused","onstage":true,"position":7000}})",
         C + "/timeline/3", R"("state":"paused")"},
        {R"({"broadcast":"scene","data":{"num":4,"onstage":true,"state":"started"}})", C + "/scene/4",
         R"("state":"started")"},
        {R"({"broadcast":"group","data":{"level":67,"name":"Group 9","num":9}})", C + "/group/9",
         R"("level":67)"},
        {R"({"request":"content_target","id":5,"data":{"content_targets":[{"name":"Target/3","level":30}]}})",
         C + "/content_target/Target_3", R"("level":30)"},
        {R"({"data":{"remote_devices":[{"name":"EDN 20 1","num":7,"online":false,"serial":[],"type":"EDN 20"}]}})",
         C + "/remote_device/7", R"("online":false)"},
        {R"({"data":{"modules":[{"id":1,"name":"Wait"}],"instances":[{"id":11,"module_id":1,"name":"W1","status":[]}]},"id":1,"request":"io_module"})",
         C + "/io_module/11", R"("module":"Wait")"},
        {R"({"broadcast":"beacon","data":{"on":true}})", C + "/beacon", R"({"on":true})"},
        {R"({"broadcast":"lua","data":{"slider_level":"56"}})", C + "/lua/slider_level", R"("56")"},
        {R"({"broadcast":"log","data":{"log":"\u0007\u0015\u00045dc 68907857ACTION Start Timeline Timeline 2\n"}})",
         C + "/log", R"("category":"Trigger")"},
        {R"({"broadcast":"rdm_discovery","data":{"message_type":"finished","universe":"dmx:1"}})",
         C + "/rdm_discovery", R"("message_type":"finished")"},
    };
    for (const auto& c : cases) {
        broadcast(c.frame);
        const auto got = mqtt.wait_for(c.topic, [&](const auto& m) {
            return m.payload.find(c.contains) != std::string::npos;
        });
        EXPECT_TRUE(got) << c.topic << "\n" << gateway.log();
    }
    // State is retained, events are not.
    EXPECT_TRUE(mqtt.last(C + "/beacon")->retained);
    mqtt_recorder late(broker.paho_uri());
    EXPECT_TRUE(late.wait_for(C + "/io_module/11"));
    EXPECT_FALSE(late.wait_for(C + "/log", 300ms));
    EXPECT_TRUE(gateway.proc().running());
}

TEST_F(Channels, EveryRequestIsAnsweredOnItsTopic) {
    std::string polls;
    for (const auto request : protocol::requests) {
        if (request == "output")
            polls += "      - { request: output, every: on_connect, params: { universe: \"dmx:1\" } }\n";
        else if (request == "lua")
            polls += "      - { request: lua, every: on_connect, params: { variables: \"a,b\" } }\n";
        else
            polls += "      - { request: " + std::string(request) + ", every: on_connect }\n";
    }
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway("site: hotel\nmqtt: { url: '" + broker.url() +
                            "' }\ncontrollers:\n  - name: lobby\n    url: " + sim.url() +
                            "\n    poll:\n" + polls);
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
    for (const auto request : protocol::requests) {
        const auto topic = request == "log" ? C + "/log/history" : C + "/" + std::string(request);
        EXPECT_TRUE(mqtt.wait_for(topic, 5s)) << topic << "\n" << gateway.log();
    }
    EXPECT_TRUE(mqtt.wait_for(C + "/timeline/1"));
    EXPECT_TRUE(mqtt.wait_for(C + "/content_target/Primary"));
    EXPECT_TRUE(mqtt.wait_for(C + "/remote_device/1"));
}

TEST_F(Channels, OnDemandGetAnswersResponseTopicWithCorrelationData) {
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway("site: hotel\nmqtt: { url: '" + broker.url() +
                            "' }\ncontrollers:\n  - { name: lobby, url: '" + sim.url() +
                            "', poll: [] }\n");
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
    // The gateway's subscription is set up once it is connected; retry until it answers.
    std::optional<recorded_message> answer;
    for (int attempt = 0; attempt < 20 && !answer; ++attempt) {
        mqtt.publish(C + "/output/get", R"({"universe":"dmx:1"})", false, "replies/me", "corr-42");
        answer = mqtt.wait_for("replies/me", 500ms);
    }
    ASSERT_TRUE(answer) << gateway.log();
    EXPECT_EQ(answer->correlation_data, "corr-42");
    EXPECT_NE(answer->payload.find("channels"), std::string::npos);
    EXPECT_TRUE(mqtt.wait_for(C + "/output"));

    mqtt.publish(C + "/nonsense/get", "", false, "replies/me", "corr-43");
    const auto error = mqtt.wait_for(C + "/error");
    ASSERT_TRUE(error);
    EXPECT_NE(error->payload.find("unknown_request"), std::string::npos);
    EXPECT_TRUE(mqtt.wait_for("replies/me", [](const auto& m) { return m.correlation_data == "corr-43"; }));

    mqtt.publish(C + "/system/get", "[1,2", false);
    EXPECT_TRUE(mqtt.wait_for(C + "/error", [](const auto& m) {
        return m.payload.find("invalid_payload") != std::string::npos;
    }));
}

TEST_F(Channels, RequestThatIsNeverAnsweredTimesOut) {
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway("site: hotel\nmqtt: { url: '" + broker.url() +
                            "' }\ncontrollers:\n  - { name: lobby, url: '" + sim.url() +
                            "', poll: [], request_timeout: 1s }\n");
    ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
    sim.control("POST", "/controllers/0/fault", R"({"kind":"silence","seconds":5})");
    std::optional<recorded_message> error;
    for (int attempt = 0; attempt < 10 && !error; ++attempt) {
        mqtt.publish(C + "/project/get", "", false);
        error = mqtt.wait_for(C + "/error", 1500ms);
    }
    ASSERT_TRUE(error) << gateway.log();
    EXPECT_NE(error->payload.find(R"("error":"timeout")"), std::string::npos);
}

} // namespace
} // namespace mg::test
