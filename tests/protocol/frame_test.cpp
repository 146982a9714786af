#include "gateway/protocol/frame.hpp"
#include "gateway/protocol/json_limits.hpp"

#include <gtest/gtest.h>
#include <vector>

namespace mg::protocol {
namespace {

struct frame_case {
    const char* label;
    const char* text;
    frame_kind kind;
    const char* broadcast;
    const char* request;
    std::optional<std::uint64_t> id;
    const char* inner_channel; // channel_from_data for messages
};

class FrameClassification : public ::testing::TestWithParam<frame_case> {};

TEST_P(FrameClassification, ExtractsEnvelope) {
    const auto& c = GetParam();
    frame_parser parser;
    const frame f = parser.parse_text(c.text);
    EXPECT_EQ(f.kind, c.kind);
    EXPECT_EQ(f.broadcast, c.broadcast);
    EXPECT_EQ(f.request, c.request);
    EXPECT_EQ(f.id, c.id);
    if (f.kind == frame_kind::message) {
        ASSERT_NE(f.data, nullptr);
        EXPECT_EQ(channel_from_data(*f.data), c.inner_channel);
    }
}

INSTANTIATE_TEST_SUITE_P(
    DocumentedShapes, FrameClassification,
    ::testing::Values(
        frame_case{"system_reply",
                   R"({"request":"system","id":1,"data":{"hardware_type":"VLC"}})",
                   frame_kind::message, "", "system", 1, ""},
        frame_case{"timeline_broadcast",
                   R"({"broadcast":"timeline","data":{"num":1,"state":"running","onstage":true,"position":5000}})",
                   frame_kind::message, "timeline", "", std::nullopt, ""},
        frame_case{"content_target_as_reply",
                   R"({"request":"content_target","id":5,"data":{"content_targets":[{"name":"Primary","level":100}]}})",
                   frame_kind::message, "", "content_target", 5, "content_target"},
        frame_case{"remote_device_bare_data",
                   R"({"data":{"remote_devices":[{"name":"EDN 20 1","num":1,"online":false,"serial":[],"type":"EDN 20"}]}})",
                   frame_kind::message, "", "", std::nullopt, "remote_device"},
        frame_case{"io_module_as_reply",
                   R"({"data":{"modules":[{"id":1,"name":"Wait"}],"instances":[]},"id":1,"request":"io_module"})",
                   frame_kind::message, "", "io_module", 1, "io_module"},
        frame_case{"log_broadcast", R"({"broadcast":"log","data":{"log":"x"}})",
                   frame_kind::message, "log", "", std::nullopt, "log"},
        frame_case{"keepalive_ack", "{}", frame_kind::keepalive_ack, "", "", std::nullopt, ""},
        frame_case{"keepalive_ack_with_token", R"({"token":"abc"})", frame_kind::keepalive_ack,
                   "", "", std::nullopt, ""},
        frame_case{"redirect", R"({"redirect":"/login"})", frame_kind::redirect, "", "",
                   std::nullopt, ""},
        frame_case{"not_json", "{\"broadcast\":", frame_kind::invalid, "", "", std::nullopt, ""},
        frame_case{"array", "[1,2]", frame_kind::invalid, "", "", std::nullopt, ""},
        frame_case{"no_data", R"({"broadcast":"scene"})", frame_kind::invalid, "", "",
                   std::nullopt, ""},
        frame_case{"empty", "", frame_kind::invalid, "", "", std::nullopt, ""}),
    [](const auto& info) { return std::string(info.param.label); });

TEST(Frame, AdoptsTokenFromAnyMessage) {
    frame_parser parser;
    const auto f = parser.parse_text(R"({"request":"system","id":2,"data":{},"token":"new"})");
    EXPECT_EQ(f.token, "new");
}

TEST(Frame, AllZeroBinaryIsSessionExpiry) {
    const std::vector<std::uint8_t> zeros(16, 0);
    EXPECT_EQ(frame_parser::parse_binary(zeros).kind, frame_kind::session_expired);
}

TEST(Frame, NonZeroBinaryIsSessionKey) {
    std::vector<std::uint8_t> key(16, 0);
    key[15] = 1;
    EXPECT_EQ(frame_parser::parse_binary(key).kind, frame_kind::session_key);
}

TEST(Frame, DeeplyNestedJsonIsRefusedWithoutRecursion) {
    // A hostile peer on a ws:// path: 200,000 nested arrays once overflowed the stack.
    const std::string deep = R"({"broadcast":"timeline","data":)" + std::string(200000, '[') +
                             std::string(200000, ']') + "}";
    frame_parser parser;
    const auto f = parser.parse_text(deep);
    EXPECT_EQ(f.kind, frame_kind::invalid);
    EXPECT_EQ(f.error, "JSON nested too deeply");
    EXPECT_EQ(parser.parse_text(R"({"broadcast":"beacon","data":{"on":true}})").kind,
              frame_kind::message)
        << "the parser is usable afterwards";
}

TEST(Frame, NestingWithinTheBoundIsAccepted) {
    const auto depth = [](std::size_t n) {
        return R"({"broadcast":"lua","data":{"t":)" + std::string(n, '[') + std::string(n, ']') +
               "}}";
    };
    frame_parser parser;
    EXPECT_EQ(parser.parse_text(depth(max_frame_depth - 2)).kind, frame_kind::message);
    EXPECT_EQ(parser.parse_text(depth(max_frame_depth - 1)).kind, frame_kind::invalid);
}

TEST(JsonLimits, BracketsInsideStringsDoNotCount) {
    EXPECT_TRUE(nesting_within(R"({"a":"[[[[[[\"[[[["})", 1));
    EXPECT_FALSE(nesting_within(R"([[["]"]]])", 2));
    EXPECT_TRUE(nesting_within(R"([[["]"]]])", 3));
}

TEST(Frame, EmptyBinaryIsInvalid) {
    EXPECT_EQ(frame_parser::parse_binary({}).kind, frame_kind::invalid);
}

} // namespace
} // namespace mg::protocol
