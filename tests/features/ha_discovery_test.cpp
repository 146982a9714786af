// The discovery life cycle: when configs go out, again, changed, emptied, or left alone.
#include "gateway/features/ha_discovery.hpp"
#include "gateway/protocol/json_limits.hpp"
#include "tests/support/fake_controller.hpp"
#include "tests/support/recording_sink.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace mg::features {
namespace {

using namespace std::chrono_literals;

const std::string gateway_topic = "homeassistant/device/mosaic_gw_hotel/config";
const std::string lobby_topic = "homeassistant/device/mosaic_030208/config";

rapidjson::Document parse(std::string_view text) {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    return doc;
}

class HaDiscovery : public ::testing::Test {
protected:
    HaDiscovery() {
        feature.start();
        feature.on_controller_added(lobby, lobby_context);
    }

    void reply(std::string_view request, std::string_view data, std::uint64_t tag = 0) {
        const auto doc = parse(data);
        feature.on_event(lobby, protocol::request_reply{request, request, doc, tag});
    }

    void go_live() {
        feature.on_event(lobby, protocol::state_changed{protocol::link_state::live, {}, 0});
    }

    // Runs the loop until `done` or a deadline a test never reaches when things work.
    template <typename F> void run_until(F done) {
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            loop.run_for(5ms);
            loop.restart();
        }
    }

    std::string lobby_config() const {
        const auto it = sink.states.find(lobby_topic);
        return it == sink.states.end() ? "" : it->second;
    }

    boost::asio::io_context loop;
    test::recording_sink sink;
    test::fake_controller lobby{"lobby"};
    const controller_context lobby_context{
        false, {"timeline", "scene", "group", "beacon", "log"}, "http://10.0.4.20:80/"};
    ha_discovery feature{sink,
                         {"homeassistant", "hotel", topic_scheme("mosaic", "hotel")},
                         "homeassistant/status",
                         loop.get_executor(),
                         {20ms, 40ms, 20ms, 7}};
};

TEST_F(HaDiscovery, AnnouncesTheGatewayAtStartAndSubscribesToStatusAndConfigs) {
    EXPECT_EQ(sink.state_publishes[gateway_topic], 1);
    ASSERT_EQ(sink.subscriptions.size(), 2u);
    EXPECT_EQ(sink.subscriptions[0].first, "homeassistant/status");
    EXPECT_EQ(sink.subscriptions[1].first, "homeassistant/device/+/config");
}

TEST_F(HaDiscovery, AnnouncesAControllerOnceItsSystemReplyIsKnown) {
    reply("timeline", R"({"timelines":[{"num":1,"name":"Intro"}]})");
    EXPECT_EQ(lobby_config(), "");
    reply("system", R"({"serial_number":"030208","hardware_type":"MSC"})");
    const auto doc = parse(lobby_config());
    ASSERT_TRUE(doc.IsObject());
    EXPECT_TRUE(doc["components"].HasMember("timeline_1"));
    EXPECT_EQ(sink.state_publishes[lobby_topic], 1);
    reply("timeline", R"({"timelines":[{"num":1,"name":"Intro"}]})");
    EXPECT_EQ(sink.state_publishes[lobby_topic], 1) << "unchanged bytes are not sent again";
}

TEST_F(HaDiscovery, AsksForTextSlotsAndTriggersWhenLive) {
    go_live();
    ASSERT_EQ(lobby.requests.size(), 2u);
    EXPECT_EQ(lobby.requests[0].name, "text_slot");
    EXPECT_EQ(lobby.requests[1].name, "trigger");
    EXPECT_NE(lobby.requests[0].tag & ha_discovery::own_tag, 0u);
}

TEST_F(HaDiscovery, ReadsAllObjectsAgainWhenANewProjectArrives) {
    reply("project", R"({"name":"Show","upload_date":"2025-01-30T15:19:08"})");
    EXPECT_TRUE(lobby.requests.empty()) << "the first project reply is no change";
    reply("project", R"({"name":"Show","upload_date":"2025-02-01T09:00:00"})");
    std::vector<std::string> asked;
    for (const auto& r : lobby.requests)
        asked.push_back(r.name);
    EXPECT_EQ(asked,
              (std::vector<std::string>{"text_slot", "trigger", "timeline", "scene", "group"}));
}

TEST_F(HaDiscovery, ARemovedComponentGoesOutAsItsPlatformAloneThenLeaves) {
    reply("system", R"({"serial_number":"030208"})");
    reply("timeline", R"({"timelines":[{"num":1,"name":"A"},{"num":2,"name":"B"}]})");
    reply("timeline", R"({"timelines":[{"num":1,"name":"A"}]})");
    auto doc = parse(lobby_config());
    ASSERT_TRUE(doc["components"].HasMember("timeline_2"));
    EXPECT_EQ(doc["components"]["timeline_2"].MemberCount(), 1u);
    EXPECT_STREQ(doc["components"]["timeline_2"]["platform"].GetString(), "switch");
    run_until([&] { return !parse(lobby_config())["components"].HasMember("timeline_2"); });
    doc = parse(lobby_config());
    EXPECT_FALSE(doc["components"].HasMember("timeline_2"));
    EXPECT_TRUE(doc["components"].HasMember("timeline_1"));
}

TEST_F(HaDiscovery, AFilteredGetOnlyAddsObjects) {
    reply("system", R"({"serial_number":"030208"})");
    reply("timeline", R"({"timelines":[{"num":1,"name":"A"},{"num":2,"name":"B"}]})");
    reply("timeline", R"({"timelines":[{"num":2,"name":"B"}]})", 42);
    const auto doc = parse(lobby_config());
    EXPECT_TRUE(doc["components"].HasMember("timeline_1"));
}

TEST_F(HaDiscovery, AnnouncesAgainAfterHomeAssistantsBirthAndOnBrokerConnect) {
    reply("system", R"({"serial_number":"030208"})");
    const auto before = sink.state_publishes[lobby_topic];
    sink.deliver({"homeassistant/status", "online", "", "", false});
    EXPECT_EQ(sink.state_publishes[lobby_topic], before) << "not at once: 1-5 s later";
    run_until([&] { return sink.state_publishes[lobby_topic] > before; });
    EXPECT_EQ(sink.state_publishes[lobby_topic], before + 1);
    EXPECT_EQ(sink.state_publishes[gateway_topic], 2);
    feature.on_broker_connected();
    EXPECT_EQ(sink.state_publishes[lobby_topic], before + 2);
    EXPECT_EQ(sink.state_publishes[gateway_topic], 3);
    sink.deliver({"homeassistant/status", "offline", "", "", false});
    loop.run_for(60ms);
    EXPECT_EQ(sink.state_publishes[lobby_topic], before + 2);
}

TEST_F(HaDiscovery, AReloadThatRemovesTheControllerEmptiesItsConfig) {
    reply("system", R"({"serial_number":"030208"})");
    // A restart (settings changed) keeps the device.
    feature.on_controller_removed(lobby);
    feature.on_controller_added(lobby, lobby_context);
    EXPECT_NE(lobby_config(), "");
    feature.on_controller_removed(lobby);
    feature.on_controller_gone("lobby");
    EXPECT_EQ(lobby_config(), "");
    feature.on_broker_connected();
    EXPECT_EQ(lobby_config(), "");
}

TEST_F(HaDiscovery, StoppingClearsNothing) {
    reply("system", R"({"serial_number":"030208"})");
    const auto publishes = sink.state_publishes;
    feature.stop();
    EXPECT_EQ(sink.state_publishes, publishes);
}

TEST_F(HaDiscovery, ClearsRetainedConfigsOfThisGatewaysControllersThatLeftTheSiteFile) {
    const auto config = [](std::string_view via, std::string_view name) {
        return R"({"device":{"identifiers":["x"],"name":")" + std::string(name) +
               R"(","via_device":")" + std::string(via) +
               R"("},"origin":{"name":"x"},)"
               R"("components":{}})";
    };
    const std::string gone = "homeassistant/device/mosaic_111/config";
    const std::string kept = "homeassistant/device/mosaic_222/config";
    const std::string other_site = "homeassistant/device/mosaic_333/config";
    const std::string live = "homeassistant/device/mosaic_444/config";
    sink.deliver({gone, config("mosaic_gw_hotel", "renamed-away"), "", "", true});
    sink.deliver({kept, config("mosaic_gw_hotel", "lobby"), "", "", true});
    sink.deliver({other_site, config("mosaic_gw_other", "renamed-away"), "", "", true});
    sink.deliver({live, config("mosaic_gw_hotel", "renamed-away"), "", "", false});
    sink.deliver({"homeassistant/device/mosaic_555/config", "not json {", "", "", true});
    EXPECT_EQ(sink.states.count(gone), 1u);
    EXPECT_EQ(sink.states[gone], "");
    EXPECT_EQ(sink.states.count(kept), 0u);
    EXPECT_EQ(sink.states.count(other_site), 0u);
    EXPECT_EQ(sink.states.count(live), 0u);
}

TEST_F(HaDiscovery, ASwappedControllersOldDeviceIsEmptied) {
    reply("system", R"({"serial_number":"030208"})");
    reply("system", R"({"serial_number":"999999"})");
    EXPECT_EQ(lobby_config(), "");
    EXPECT_NE(sink.states["homeassistant/device/mosaic_999999/config"], "");
}

TEST_F(HaDiscovery, HostileRetainedConfigsAreIgnoredWithoutHarm) {
    // 200,000 nested arrays: a recursive parser runs out of stack on them.
    const std::string deep = std::string(200000, '[') + std::string(200000, ']');
    const std::string deep_ours = R"({"device":{"name":"gone","via_device":"mosaic_gw_hotel"},)"
                                  R"("x":)" +
                                  std::string(40, '[') + std::string(40, ']') + "}";
    const std::string large = R"({"device":{"name":"gone","via_device":"mosaic_gw_hotel"},"x":")" +
                              std::string(protocol::max_discovery_bytes, 'x') + "\"}";
    const std::string topic = "homeassistant/device/mosaic_666/config";
    for (const auto& payload : {deep, deep_ours, large, std::string(100000, '{')}) {
        sink.deliver({topic, payload, "", "", true});
        EXPECT_EQ(sink.states.count(topic), 0u);
    }
    // Still serving: a config of ours that left the site file is cleared as before.
    sink.deliver(
        {topic, R"({"device":{"name":"gone","via_device":"mosaic_gw_hotel"}})", "", "", true});
    EXPECT_EQ(sink.states.count(topic), 1u);
}

TEST_F(HaDiscovery, AHostileStatusPayloadIsOnlyCompared) {
    const auto before = sink.state_publishes[gateway_topic];
    sink.deliver({"homeassistant/status", std::string(200000, '['), "", "", false});
    sink.deliver({"homeassistant/status", "online\n", "", "", false});
    // Five times the longest birth delay this fixture sets: an announcement would be out.
    loop.run_for(200ms);
    EXPECT_EQ(sink.state_publishes[gateway_topic], before);
    sink.deliver({"homeassistant/status", "online", "", "", false});
    run_until([&] { return sink.state_publishes[gateway_topic] > before; });
    EXPECT_GT(sink.state_publishes[gateway_topic], before);
}

} // namespace
} // namespace mg::features
