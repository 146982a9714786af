// Lookups bounded in time and independent of each other (CONTRACT §4 rule 2), on a real event
// loop with a resolve function the test controls: a DNS server that never answers cannot be
// made on loopback alone.

#include "gateway/session/host_lookup.hpp"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <future>
#include <gtest/gtest.h>
#include <memory>

namespace mg::session {
namespace {

using namespace std::chrono_literals;
namespace net = boost::asio;
using error_code = boost::system::error_code;

// Names ending in ".dead" hang until the test ends; every other name is 192.0.2.7.
class fake_dns {
public:
    ~fake_dns() { release_.set_value(); }

    resolve_function resolve() {
        return [calls = calls_, released = released_](const std::string& host, std::uint16_t port,
                                                      error_code&) -> endpoints {
            ++*calls;
            if (host.size() > 5 && host.compare(host.size() - 5, 5, ".dead") == 0)
                released.wait();
            return {{net::ip::make_address("192.0.2.7"), port}};
        };
    }
    int calls() const { return *calls_; }

private:
    std::promise<void> release_;
    std::shared_future<void> released_ = release_.get_future().share();
    std::shared_ptr<std::atomic<int>> calls_ = std::make_shared<std::atomic<int>>(0);
};

struct outcome {
    int calls = 0;
    error_code ec;
    endpoints found;
    std::chrono::steady_clock::time_point at;
};

host_lookup::handler record(outcome& into) {
    return [&into](error_code ec, endpoints found) {
        ++into.calls;
        into.ec = ec;
        into.found = std::move(found);
        into.at = std::chrono::steady_clock::now();
    };
}

TEST(HostLookup, ANameThatNeverAnswersFailsAtItsTimeOut) {
    net::io_context loop;
    fake_dns dns;
    host_lookup lookup(loop.get_executor(), dns.resolve());
    outcome result;
    const auto began = std::chrono::steady_clock::now();
    lookup.async_lookup("lobby.dead", 80, 300ms, record(result));
    loop.run_for(5s);
    ASSERT_EQ(result.calls, 1);
    EXPECT_EQ(result.ec, net::error::timed_out);
    EXPECT_GE(result.at - began, 300ms);
    EXPECT_LT(result.at - began, 3s);
}

TEST(HostLookup, AHangingNameHoldsUpNoOtherLookup) {
    net::io_context loop;
    fake_dns dns;
    host_lookup dead(loop.get_executor(), dns.resolve());
    host_lookup alive(loop.get_executor(), dns.resolve());
    outcome dead_result, alive_result;
    dead.async_lookup("cellar.dead", 80, 2s, record(dead_result));
    alive.async_lookup("lobby.example", 8080, 2s, record(alive_result));
    while (alive_result.calls == 0 && loop.run_one_for(5s)) {
    }
    ASSERT_EQ(alive_result.calls, 1);
    EXPECT_FALSE(alive_result.ec);
    ASSERT_EQ(alive_result.found.size(), 1u);
    EXPECT_EQ(alive_result.found[0].port(), 8080);
    EXPECT_EQ(dead_result.calls, 0) << "still looking";
}

TEST(HostLookup, AnIpLiteralNeedsNoLookup) {
    net::io_context loop;
    fake_dns dns;
    host_lookup lookup(loop.get_executor(), dns.resolve());
    outcome v4, v6;
    lookup.async_lookup("127.0.0.1", 80, 1s, record(v4));
    loop.run();
    lookup.async_lookup("::1", 443, 1s, record(v6));
    loop.restart();
    loop.run();
    EXPECT_EQ(dns.calls(), 0);
    ASSERT_EQ(v4.found.size(), 1u);
    EXPECT_EQ(v4.found[0], net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), 80));
    ASSERT_EQ(v6.found.size(), 1u);
    EXPECT_EQ(v6.found[0], net::ip::tcp::endpoint(net::ip::make_address("::1"), 443));
}

TEST(HostLookup, CancelEndsAPendingLookupOnceAndDropsItsLateAnswer) {
    net::io_context loop;
    auto dns = std::make_unique<fake_dns>();
    host_lookup lookup(loop.get_executor(), dns->resolve());
    outcome result;
    lookup.async_lookup("lobby.dead", 80, 10s, record(result));
    loop.poll();
    lookup.cancel();
    EXPECT_EQ(result.calls, 0) << "never inline";
    loop.run_for(1s);
    EXPECT_EQ(result.calls, 1);
    EXPECT_EQ(result.ec, net::error::operation_aborted);
    dns.reset(); // the lookup thread answers now
    loop.restart();
    loop.run_for(200ms);
    EXPECT_EQ(result.calls, 1);
}

TEST(HostLookup, ALookupAfterCancelIsAbortedToo) {
    net::io_context loop;
    fake_dns dns;
    host_lookup lookup(loop.get_executor(), dns.resolve());
    lookup.cancel();
    outcome result;
    lookup.async_lookup("127.0.0.1", 80, 1s, record(result));
    loop.run();
    EXPECT_EQ(result.calls, 1);
    EXPECT_EQ(result.ec, net::error::operation_aborted);
}

TEST(HostLookup, TheSystemResolverFindsLocalhost) {
    net::io_context loop;
    host_lookup lookup(loop.get_executor());
    outcome result;
    lookup.async_lookup("localhost", 80, 5s, record(result));
    loop.run();
    ASSERT_EQ(result.calls, 1);
    EXPECT_FALSE(result.ec) << result.ec.message();
    EXPECT_FALSE(result.found.empty());
}

} // namespace
} // namespace mg::session
