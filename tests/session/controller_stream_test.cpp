#include "gateway/session/controller_stream.hpp"

#include <gtest/gtest.h>

namespace mg::session {
namespace {

config::controller_settings target(std::string host, std::uint16_t port, bool secure) {
    config::controller_settings c;
    c.host = std::move(host);
    c.port = port;
    c.secure = secure;
    return c;
}

TEST(HostHeader, BracketsIpv6LiteralsForEveryConnection) {
    EXPECT_EQ(host_header(target("::1", 8080, false)), "[::1]:8080");
    EXPECT_EQ(host_header(target("fe80::1", 443, true)), "[fe80::1]");
}

TEST(HostHeader, NamesThePortOnlyWhenItIsNotTheSchemesDefault) {
    EXPECT_EQ(host_header(target("10.0.4.20", 80, false)), "10.0.4.20");
    EXPECT_EQ(host_header(target("10.0.4.20", 443, false)), "10.0.4.20:443");
    EXPECT_EQ(host_header(target("lobby.example", 443, true)), "lobby.example");
    EXPECT_EQ(host_header(target("lobby.example", 8443, true)), "lobby.example:8443");
}

} // namespace
} // namespace mg::session
