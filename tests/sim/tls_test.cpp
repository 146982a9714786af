#include "tests/sim/running_sim.hpp"

#include <gtest/gtest.h>
#include <regex>

namespace mg::sim::test {
namespace {

options with_tls() {
    options o;
    o.tls = true;
    o.users = {{"api", "secret"}};
    return o;
}

TEST(SimTls, ServesWebSocketAndHttpsWithTheAnnouncedCertificate) {
    running_sim sim{with_tls()};
    EXPECT_TRUE(std::regex_match(sim.fingerprint(), std::regex("([0-9A-F]{2}:){31}[0-9A-F]{2}")))
        << sim.fingerprint();
    EXPECT_EQ(parse(sim.ready_line())["fingerprint"].GetString(), sim.fingerprint());

    const auto auth = http_call(sim.port(), "POST", "/authenticate",
                                R"({"username":"api","password":"secret"})", {}, true);
    ASSERT_EQ(auth.status, 200u);
    const std::string token = parse(auth.body)["token"].GetString();

    ws_test_client client;
    ASSERT_TRUE(client.connect(sim.port(), "/query", true));
    EXPECT_EQ(client.peer_fingerprint(), sim.fingerprint());
    ASSERT_TRUE(client.send_text(R"({"request":"system","id":1,"token":")" + token + R"("})"));
    const auto reply = client.read();
    ASSERT_TRUE(reply);
    EXPECT_STREQ(parse(reply->data)["data"]["hardware_type"].GetString(), "MSC");
}

TEST(SimTls, PlainClientsAreNotServed) {
    running_sim sim{with_tls()};
    ws_test_client plain;
    EXPECT_FALSE(plain.connect(sim.port(), "/query", false, 1s));
}

} // namespace
} // namespace mg::sim::test
