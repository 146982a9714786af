#include "gateway/protocol/messages.hpp"

#include <gtest/gtest.h>

namespace mg::protocol {
namespace {

TEST(Messages, SubscribeWithoutToken) {
    EXPECT_EQ(subscribe_message("timeline", ""), R"({"subscribe":"timeline"})");
}

TEST(Messages, SubscribeCarriesToken) {
    EXPECT_EQ(subscribe_message("timeline", "eyJ"), R"({"subscribe":"timeline","token":"eyJ"})");
}

TEST(Messages, RequestMatchesDocumentedExample) {
    EXPECT_EQ(request_message("system", 1, "", ""), R"({"request":"system","id":1})");
}

TEST(Messages, RequestParametersBecomeTopLevelKeys) {
    EXPECT_EQ(request_message("output", 7, R"({"universe":"dmx:1"})", "t"),
              R"({"request":"output","id":7,"universe":"dmx:1","token":"t"})");
}

TEST(Messages, RequestParametersCannotForgeTheEnvelope) {
    EXPECT_EQ(request_message("group", 8, R"({"id":99,"request":"x","token":"y","num":"2-4"})", ""),
              R"({"request":"group","id":8,"num":"2-4"})");
}

TEST(Messages, RequestParametersCannotSubscribeOrBroadcast) {
    EXPECT_EQ(request_message("system", 3,
                              R"({"subscribe":"log","unsubscribe":"x","broadcast":"y"})", ""),
              R"({"request":"system","id":3})");
    for (const auto* key : {"request", "id", "token", "subscribe", "unsubscribe", "broadcast"})
        EXPECT_TRUE(is_envelope_key(key)) << key;
    EXPECT_FALSE(is_envelope_key("universe"));
}

TEST(Messages, RequestWithNonObjectParametersIsRefused) {
    EXPECT_EQ(request_message("group", 8, "[1,2]", ""), "");
    EXPECT_EQ(request_message("group", 8, "{", ""), "");
}

TEST(Messages, KeepaliveIsEmptyObjectOrToken) {
    EXPECT_EQ(keepalive_message(""), "{}");
    EXPECT_EQ(keepalive_message("abc"), R"({"token":"abc"})");
}

TEST(Messages, ControllerSideFramesEmbedData) {
    EXPECT_EQ(reply_message("project", 3, R"({"name":"P"})"),
              R"({"request":"project","id":3,"data":{"name":"P"}})");
    EXPECT_EQ(broadcast_message("beacon", R"({"on":false})"),
              R"({"broadcast":"beacon","data":{"on":false}})");
}

} // namespace
} // namespace mg::protocol
