#include "gateway/features/gateway_info.hpp"

#include "tests/support/link_driver.hpp"
#include "tests/support/recording_sink.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace mg::features {
namespace {

using namespace std::chrono_literals;

class GatewayInfo : public ::testing::Test {
protected:
    boost::asio::io_context loop;
    test::recording_sink sink;
    topic_scheme topics{"mosaic", "hotel"};
    int stats_written = 0;
    gateway_info feature{sink, topics, "hotel", loop.get_executor(),
                         [this] { return "{\"n\":" + std::to_string(++stats_written) + "}"; },
                         50ms};
};

TEST_F(GatewayInfo, InfoNamesVersionSiteAndControllers) {
    feature.start();
    test::link_driver driver({&feature});
    rapidjson::Document info;
    info.Parse(sink.states.at("mosaic/hotel/gateway/info").c_str());
    EXPECT_STREQ(info["version"].GetString(), MG_VERSION);
    EXPECT_STREQ(info["site"].GetString(), "hotel");
    ASSERT_EQ(info["controllers"].Size(), 1u);
    EXPECT_STREQ(info["controllers"][0].GetString(), "lobby");
    EXPECT_TRUE(info["started"].IsString());
    feature.stop();
}

// The payload is the gateway's one counter set (status_json_test.cpp); here, its schedule.
TEST_F(GatewayInfo, StatsArePublishedPeriodicallyAndAtStop) {
    feature.start();
    loop.run_for(120ms);
    ASSERT_TRUE(sink.states.count("mosaic/hotel/gateway/stats"));
    EXPECT_GE(stats_written, 2);
    const auto before = stats_written;
    feature.stop();
    EXPECT_EQ(stats_written, before + 1);
    EXPECT_EQ(sink.states.at("mosaic/hotel/gateway/stats"),
              "{\"n\":" + std::to_string(stats_written) + "}");
}

} // namespace
} // namespace mg::features
