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
    gateway_info feature{sink, topics, "hotel", loop.get_executor(),
                         [] { return mqtt_counters{10, 2, 1, 3}; }, 50ms};
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

TEST_F(GatewayInfo, StatsCountMessagesAndArePublishedPeriodically) {
    feature.start();
    test::link_driver driver({&feature});
    driver.text(R"({"broadcast":"beacon","data":{"on":true}})");
    driver.text("garbage");
    loop.run_for(120ms);
    ASSERT_TRUE(sink.states.count("mosaic/hotel/gateway/stats"));
    rapidjson::Document stats;
    stats.Parse(sink.states.at("mosaic/hotel/gateway/stats").c_str());
    EXPECT_EQ(stats["messages_in"].GetUint64(), 2u);
    EXPECT_EQ(stats["rejected"].GetUint64(), 1u);
    EXPECT_EQ(stats["messages_out"].GetUint64(), 10u);
    EXPECT_EQ(stats["dropped"].GetUint64(), 2u);
    EXPECT_EQ(stats["buffered"].GetUint64(), 3u);
    EXPECT_TRUE(stats["controllers"]["lobby"]["live"].GetBool());
    feature.stop();
}

} // namespace
} // namespace mg::features
