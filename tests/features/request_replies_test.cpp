// Every request's documented reply lands on C/<request>, as received (docs/protocol.md §5.2).

#include "gateway/features/state_topics.hpp"
#include "gateway/protocol/catalogue.hpp"
#include "tests/support/link_driver.hpp"
#include "tests/support/recording_sink.hpp"

#include <gtest/gtest.h>
#include <set>

namespace mg::features {
namespace {

const std::string C = "mosaic/hotel/lobby";

struct reply_case {
    const char* request;
    const char* params;
    const char* data;
};

// One row per request of the catalogue, with the documented data shapes.
const std::vector<reply_case> replies{
    {"network_adapters", "",
     R"j({"adapters":[{"name":"mgmt","connected":true,"capturing":false,"ipAddress":"192.168.0.21","subnetMask":"255.255.255.0","defaultGateway":"192.168.0.1"}]})j"},
    {"timeline", R"j({"num":"1-4"})j",
     R"j({"timelines":[{"num":1,"name":"Timeline 1","group":"Back of House","group_num":null,"length":60000,"state":"none","onstage":false,"position":0,"priority":"normal","custom_properties":{}}]})j"},
    {"scene", "",
     R"j({"scenes":[{"num":1,"name":"Scene 1","group":"","group_num":null,"state":"none","onstage":false}]})j"},
    {"group", "",
     R"j({"groups":[{"name":"All Fixtures","level":100},{"num":1,"name":"Group 1","level":50}]})j"},
    {"content_target", "", R"j({"content_targets":[{"name":"Primary","level":100}]})j"},
    {"remote_device", "",
     R"j({"remote_devices":[{"num":1,"name":"Ballroom Touch Screen","name_with_type":"Ballroom Touch Screen (TPS 5)","type":"TPS 5","online":true,"physical_devices":[{"serial":"001","manual":false,"firmware_version":null,"needs_firmware_reload":null,"online":true}]}]})j"},
    {"system", "",
     R"j({"hardware_type":"VLC","channel_capacity":768000,"serial_number":"030208","memory_total":"6982288 KB","firmware_version":"2.15.0 BETA2","last_boot_time":"24 Apr 2025 10:49:25","ip_address":"172.20.30.225"})j"},
    {"current_time", "",
     R"j({"datetime":"01 Feb 2017 13:44:42","local_time":1485956682,"uptime":493347})j"},
    {"project", "",
     R"j({"name":"help_project","author":"ETC","filename":"help_project_v1.pd2","unique_id":"{6b48627a-1234}","upload_date":"2017-01-30T15:19:08"})j"},
    {"controller", "",
     R"j({"controllers":[{"num":1,"type":"MSC","name":"Controller 1","serial":"009060","ip_address":"","online":true,"is_network_primary":true}]})j"},
    {"text_slot", R"j({"names":["a","b"]})j", R"j({"text_slots":[{"name":"a","value":"Hello"}]})j"},
    {"temperature", "", R"j({"sys_temp":40,"core1_temp":45,"cc_temp":39,"gpu_temp":50})j"},
    {"fan_speed", "", R"j({"fan_speed":{"fan_1":2400,"fan_2":2410}})j"},
    {"protocol", "",
     R"j({"outputs":[{"type":1,"name":"DMX","disabled":false,"universes":[{"name":"DMX 1","key":{"index":1}}]}]})j"},
    {"output", R"j({"universe":"dmx:1"})j",
     R"j({"channels":[" ","0","255","+5","!10","=7"],"disabled":false})j"},
    {"input", "",
     R"j({"gpio":[{"input":1,"type":"Digital","value":true},{"input":2,"type":"Analog","value":42}]})j"},
    {"trigger", R"j({"type":"Startup"})j",
     R"j({"triggers":[{"type":"Startup","num":1,"name":"Start","group":"#e18383","description":"","trigger_text":"Startup","conditions":[],"actions":[{"text":"Start Timeline 1"}]}]})j"},
    {"dali_interface", "", R"j([{"id":1,"name":"DALI 1"}])j"},
    {"replication", "", R"j({"name":"Main","unique_id":"{abc}"})j"},
    {"config", "",
     R"j({"ip":"192.168.1.10","subnet_mask":"255.255.255.0","gateway":"192.168.1.1","dhcp_enabled":false,"http_port":80,"https_port":443,"datetime":"2024-06-27T09:30","log_level":3})j"},
    {"playback_group", "", R"j({"playback_groups":[{"num":1,"name":"Back of House"}]})j"},
    {"lua", R"j({"variables":"a,b"})j", R"j({"a":1,"b":"two"})j"},
    {"io_module", "",
     R"j({"modules":[{"id":1,"name":"Wait"}],"instances":[{"id":1,"module_id":1,"name":"W","status":[]}]})j"},
};

class RequestReply : public ::testing::TestWithParam<reply_case> {};

TEST_P(RequestReply, LandsOnItsTopicAsReceived) {
    const auto& c = GetParam();
    test::recording_sink sink;
    topic_scheme topics("mosaic", "hotel");
    state_topics feature(sink, topics);
    test::link_driver driver({&feature}, {{c.request, std::nullopt, c.params, ""}});
    // Link sent the request with its parameters as top-level keys.
    ASSERT_FALSE(driver.sent.empty());
    EXPECT_TRUE(driver.sent_containing(std::string(R"("request":")") + c.request + "\""));
    driver.text(std::string(R"({"request":")") + c.request + R"(","id":1,"data":)" + c.data + "}");
    ASSERT_TRUE(sink.states.count(C + "/" + c.request)) << c.request;
    EXPECT_EQ(sink.states.at(C + "/" + c.request), c.data);
    EXPECT_EQ(feature.rejected(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Catalogue, RequestReply, ::testing::ValuesIn(replies),
                         [](const auto& info) { return std::string(info.param.request); });

TEST(RequestReplyTable, CoversEveryRequestButTheLog) {
    std::set<std::string> covered;
    for (const auto& c : replies)
        covered.insert(c.request);
    for (const auto request : protocol::requests) {
        if (request != "log") {
            EXPECT_TRUE(covered.count(std::string(request))) << request;
        }
    }
}

} // namespace
} // namespace mg::features
