#include "gateway/features/availability.hpp"

#include "tests/support/link_driver.hpp"
#include "tests/support/recording_sink.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace mg::features {
namespace {

const std::string C = "mosaic/hotel/lobby";

class Availability : public ::testing::Test {
protected:
    test::recording_sink sink;
    topic_scheme topics{"mosaic", "hotel"};
    availability feature{sink, topics};
};

TEST_F(Availability, ControllersGoOfflineAtStop) {
    test::link_driver driver({&feature});
    EXPECT_EQ(sink.states.at(C + "/status"), "online");
    feature.stop();
    EXPECT_EQ(sink.states.at(C + "/status"), "offline");
}

TEST_F(Availability, ControllerOnlineWhileLiveWithConnectionDetails) {
    test::link_driver driver({&feature});
    EXPECT_EQ(sink.states.at(C + "/status"), "online");
    EXPECT_EQ(feature.live_count(), 1u);
    rapidjson::Document connection;
    connection.Parse(sink.states.at(C + "/connection").c_str());
    ASSERT_TRUE(connection.IsObject());
    EXPECT_STREQ(connection["state"].GetString(), "live");
    EXPECT_EQ(connection["reconnects"].GetUint64(), 0u);
    EXPECT_TRUE(connection["since"].IsString());
    EXPECT_TRUE(connection["last_error"].IsNull());
}

TEST_F(Availability, ControllerOfflineInBackoffWithLastError) {
    test::link_driver driver({&feature});
    driver.close();
    EXPECT_EQ(sink.states.at(C + "/status"), "offline");
    rapidjson::Document connection;
    connection.Parse(sink.states.at(C + "/connection").c_str());
    EXPECT_STREQ(connection["state"].GetString(), "backoff");
    EXPECT_STREQ(connection["last_error"].GetString(), "dropped");
    EXPECT_EQ(feature.live_count(), 0u);
}

} // namespace
} // namespace mg::features
