#include "gateway/config/url.hpp"

#include <gtest/gtest.h>
#include <stdexcept>

namespace mg::config {
namespace {

struct url_case {
    const char* text;
    url_kind kind;
    url_parts expected;
};

class UrlParsing : public ::testing::TestWithParam<url_case> {};

TEST_P(UrlParsing, SplitsIntoParts) {
    EXPECT_EQ(parse_url(GetParam().text, GetParam().kind), GetParam().expected);
}

constexpr auto controller = url_kind::controller;
constexpr auto broker = url_kind::broker;

INSTANTIATE_TEST_SUITE_P(
    ControllerUrls, UrlParsing,
    ::testing::Values(
        url_case{"ws://10.0.4.20", controller, {"ws", false, "10.0.4.20", 80, "/query"}},
        url_case{"wss://10.0.4.20", controller, {"wss", true, "10.0.4.20", 443, "/query"}},
        url_case{"ws://127.0.0.1:9000", controller, {"ws", false, "127.0.0.1", 9000, "/query"}},
        url_case{"wss://10.0.4.20/query", controller, {"wss", true, "10.0.4.20", 443, "/query"}},
        url_case{"ws://10.0.4.20/", controller, {"ws", false, "10.0.4.20", 80, "/query"}},
        url_case{"ws://ctl.example.com/ws/query",
                 controller,
                 {"ws", false, "ctl.example.com", 80, "/ws/query"}},
        url_case{"ws://10.0.4.20?x=1", controller, {"ws", false, "10.0.4.20", 80, "/query?x=1"}},
        url_case{"WSS://Ctl-1.example.org:8443/q",
                 controller,
                 {"wss", true, "Ctl-1.example.org", 8443, "/q"}},
        url_case{"ws://[::1]", controller, {"ws", false, "::1", 80, "/query"}},
        url_case{"wss://[2001:db8::20]:8443/query",
                 controller,
                 {"wss", true, "2001:db8::20", 8443, "/query"}},
        url_case{
            "ws://[fe80::1%eth0]:9000", controller, {"ws", false, "fe80::1%eth0", 9000, "/query"}},
        url_case{"ws://[::ffff:192.0.2.1]",
                 controller,
                 {"ws", false, "::ffff:192.0.2.1", 80, "/query"}}));

INSTANTIATE_TEST_SUITE_P(
    BrokerUrls, UrlParsing,
    ::testing::Values(
        url_case{"mqtt://127.0.0.1", broker, {"mqtt", false, "127.0.0.1", 1883, ""}},
        url_case{"mqtts://broker.example", broker, {"mqtts", true, "broker.example", 8883, ""}},
        url_case{"mqtt://127.0.0.1:1884/", broker, {"mqtt", false, "127.0.0.1", 1884, ""}},
        url_case{"mqtts://[::1]:8884", broker, {"mqtts", true, "::1", 8884, ""}}));

struct bad_url_case {
    const char* text;
    url_kind kind;
    const char* message;
};

class UrlRejection : public ::testing::TestWithParam<bad_url_case> {};

TEST_P(UrlRejection, ExplainsProblem) {
    try {
        parse_url(GetParam().text, GetParam().kind);
        FAIL() << "accepted " << GetParam().text;
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(), GetParam().message);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Mistakes, UrlRejection,
    ::testing::Values(
        bad_url_case{"http://10.0.4.20", controller, "scheme must be ws or wss"},
        bad_url_case{"mqtt://10.0.4.20", controller, "scheme must be ws or wss"},
        bad_url_case{"ws://10.0.4.20", broker, "scheme must be mqtt or mqtts"},
        bad_url_case{"tcp://127.0.0.1:1883", broker, "scheme must be mqtt or mqtts"},
        bad_url_case{"10.0.4.20", controller, "expected a URL like ws://host[:port][/path]"},
        bad_url_case{"", broker, "expected a URL like mqtt://host[:port]"},
        bad_url_case{"://10.0.4.20", controller, "expected a URL like ws://host[:port][/path]"},
        bad_url_case{"ws://", controller, "URL has no host"},
        bad_url_case{"ws:///query", controller, "URL has no host"},
        bad_url_case{"ws://:80", controller, "URL has no host"},
        bad_url_case{"ws://10.0.4.20:", controller, "port must be a number from 1 to 65535"},
        bad_url_case{"ws://10.0.4.20:0", controller, "port must be a number from 1 to 65535"},
        bad_url_case{"ws://10.0.4.20:65536", controller, "port must be a number from 1 to 65535"},
        bad_url_case{"ws://10.0.4.20:http", controller, "port must be a number from 1 to 65535"},
        bad_url_case{"ws://::1", controller,
                     "an IPv6 address must be written in brackets, like [::1]"},
        bad_url_case{"ws://[::1", controller, "IPv6 address is missing its closing ']'"},
        bad_url_case{"ws://[]", controller, "invalid IPv6 address between '[' and ']'"},
        bad_url_case{"ws://[10.0.4.20]", controller, "invalid IPv6 address between '[' and ']'"},
        bad_url_case{"ws://[::1]80", controller, "expected ':' and a port after the IPv6 address"},
        bad_url_case{"ws://[::1]:", controller, "port must be a number from 1 to 65535"},
        bad_url_case{"ws://user:secret@10.0.4.20", controller,
                     "credentials do not belong in the URL; use username and password_file"},
        bad_url_case{"ws://ctl example", controller,
                     "host may only contain letters, digits, '-', '.' and '_'"},
        bad_url_case{"ws://10.0.4.20/query#x", controller, "URL must not have a fragment ('#')"},
        bad_url_case{"ws://10.0.4.20/a b", controller,
                     "URL path must not contain spaces or control characters"},
        bad_url_case{"mqtt://127.0.0.1/topic", broker, "an MQTT URL has no path"}));

TEST(Url, ErrorNeverRepeatsTheUrl) {
    try {
        parse_url("ws://gateway:hunter2@10.0.4.20", url_kind::controller);
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos);
    }
}

TEST(Url, HostForUrlBracketsIpv6Only) {
    EXPECT_EQ(host_for_url("::1"), "[::1]");
    EXPECT_EQ(host_for_url("10.0.4.20"), "10.0.4.20");
    EXPECT_EQ(host_for_url("ctl.example.com"), "ctl.example.com");
}

TEST(Url, HostAndPortBracketsIpv6Only) {
    EXPECT_EQ(host_and_port("::1", 1883), "[::1]:1883");
    EXPECT_EQ(host_and_port("10.0.4.20", 80), "10.0.4.20:80");
    EXPECT_EQ(host_and_port("ctl.example.com", 8443), "ctl.example.com:8443");
}

} // namespace
} // namespace mg::config
