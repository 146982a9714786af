// The shape checks behind `--probe`'s `odd` lines, on documented answers and known drift.

#include "gateway/service/probe_shapes.hpp"

#include <gtest/gtest.h>

namespace mg::service {
namespace {

rapidjson::Document parse(const char* text) {
    rapidjson::Document doc;
    doc.Parse(text);
    EXPECT_FALSE(doc.HasParseError()) << text;
    return doc;
}

using notes = std::vector<std::string>;

TEST(ProbeShapes, DocumentedSystemReplyHasNoDifference) {
    const auto data = parse(R"({"hardware_type":"VLC","channel_capacity":768000,
        "serial_number":"030208","firmware_version":"2.15.0 BETA2","memory_total":"6982288 KB"})");
    EXPECT_EQ(reply_shape_differences("system", data), notes{});
}

TEST(ProbeShapes, SerialAsArrayIsNamed) {
    const auto data = parse(R"({"hardware_type":"MSC","serial_number":[],"firmware_version":"2"})");
    EXPECT_EQ(reply_shape_differences("system", data),
              notes{"system.serial_number is an array, expected a string"});
}

TEST(ProbeShapes, MissingRequiredFieldIsNamed) {
    const auto data = parse(R"({"hardware_type":"MSC","serial_number":"1"})");
    EXPECT_EQ(reply_shape_differences("system", data),
              notes{"system.firmware_version is missing, expected a string"});
}

TEST(ProbeShapes, ListItemsAreCheckedWithTheirIndex) {
    const auto data = parse(R"({"timelines":[{"num":1,"name":"A","state":"none"},
                                             {"num":"2","name":"B","position":"12"}]})");
    EXPECT_EQ(reply_shape_differences("timeline", data),
              (notes{"timeline.timelines[1].num is a string, expected an integer",
                     "timeline.timelines[1].position is a string, expected a number"}));
}

TEST(ProbeShapes, RemoteDeviceSerialArrayFromTheWebSocketExampleIsOdd) {
    const auto data = parse(R"({"remote_devices":[{"num":1,"name":"Touch","type":"TPS 5",
        "online":true,"serial":[],"outputs":[{"output":1,"value":true}]}]})");
    EXPECT_EQ(reply_shape_differences("remote_device", data),
              notes{"remote_device.remote_devices[0].serial is an array, expected a string"});
}

TEST(ProbeShapes, AllFixturesGroupWithoutNumIsFine) {
    const auto data = parse(R"({"groups":[{"name":"All Fixtures","level":100},
                                          {"num":1,"name":"Stage","level":37.5}]})");
    EXPECT_EQ(reply_shape_differences("group", data), notes{});
}

TEST(ProbeShapes, DataThatIsNotAnObjectIsNamed) {
    const auto data = parse("[1,2]");
    EXPECT_EQ(reply_shape_differences("project", data),
              notes{"project data is an array, expected an object"});
}

TEST(ProbeShapes, UnknownRequestsOnlyNeedAnObject) {
    EXPECT_EQ(reply_shape_differences("config", parse(R"({"ip_address":"10.0.0.1"})")), notes{});
}

TEST(ProbeShapes, BroadcastsAreCheckedPerChannel) {
    EXPECT_EQ(broadcast_shape_differences(
                  "timeline", parse(R"({"num":1,"state":"running","onstage":true,"position":0})")),
              notes{});
    EXPECT_EQ(broadcast_shape_differences("beacon", parse(R"({"on":"yes"})")),
              notes{"beacon.on is a string, expected a boolean"});
    EXPECT_EQ(broadcast_shape_differences("group", parse(R"({"num":2,"level":"50"})")),
              notes{"group.level is a string, expected a number"});
}

} // namespace
} // namespace mg::service
