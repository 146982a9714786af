// The per-controller connection budget (CONTRACT §4 rule 2): slots handed out in order, a
// bounded wait, and one budget shared by every copy.

#include "gateway/session/connection_budget.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace mg::session {
namespace {

using namespace std::chrono_literals;
namespace net = boost::asio;
using slot = connection_budget::slot;

TEST(ConnectionBudget, CopiesShareOneBudget) {
    net::io_context loop;
    connection_budget budget(loop.get_executor(), 1);
    auto successor = budget; // the session a reload starts
    auto held = budget.try_take();
    ASSERT_TRUE(held);
    EXPECT_FALSE(successor.try_take());
    held.reset();
    EXPECT_TRUE(successor.try_take());
}

TEST(ConnectionBudget, AWaiterGetsTheSlotWhenItIsGivenBack) {
    net::io_context loop;
    connection_budget budget(loop.get_executor(), 1);
    auto held = budget.try_take();
    std::optional<slot> got;
    bool called = false;
    budget.async_take(5s, [&](std::optional<slot> s) {
        called = true;
        got = std::move(s);
    });
    loop.poll();
    EXPECT_FALSE(called);
    held.reset();
    EXPECT_EQ(budget.in_use(), 1) << "handed over, never free in between";
    loop.poll();
    ASSERT_TRUE(called);
    EXPECT_TRUE(got);
    got.reset();
    EXPECT_EQ(budget.in_use(), 0);
}

TEST(ConnectionBudget, WaitersAreServedInTheOrderTheyAsked) {
    net::io_context loop;
    connection_budget budget(loop.get_executor(), 1);
    auto held = budget.try_take();
    std::vector<std::string> order;
    std::vector<slot> kept;
    for (const char* who : {"authentication", "websocket"})
        budget.async_take(5s, [&, who](std::optional<slot> s) {
            order.push_back(who);
            if (s)
                kept.push_back(std::move(*s));
        });
    EXPECT_FALSE(budget.try_take()) << "nobody jumps the queue";
    held.reset();
    loop.poll();
    ASSERT_EQ(order, std::vector<std::string>{"authentication"});
    kept.clear();
    loop.poll();
    EXPECT_EQ(order, (std::vector<std::string>{"authentication", "websocket"}));
}

TEST(ConnectionBudget, AWaitEndsEmptyAtItsTimeOut) {
    net::io_context loop;
    connection_budget budget(loop.get_executor(), 1);
    auto held = budget.try_take();
    int calls = 0;
    bool got = true;
    budget.async_take(50ms, [&](std::optional<slot> s) {
        ++calls;
        got = s.has_value();
    });
    loop.run_for(1s);
    EXPECT_EQ(calls, 1);
    EXPECT_FALSE(got);
    held.reset();
    loop.restart();
    loop.poll();
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(budget.in_use(), 0);
}

TEST(ConnectionBudget, ALowerMaximumTakesEffectAsSlotsComeBack) {
    net::io_context loop;
    connection_budget budget(loop.get_executor(), 2);
    auto a = budget.try_take();
    auto b = budget.try_take();
    budget.set_max(1);
    a.reset();
    EXPECT_FALSE(budget.try_take());
    b.reset();
    EXPECT_TRUE(budget.try_take());
}

} // namespace
} // namespace mg::session
