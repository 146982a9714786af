#include "tests/sim/running_sim.hpp"

#include "gateway/sim/app.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>
#include <thread>

namespace mg::sim::test {

struct running_sim::impl {
    boost::asio::io_context ioc{1};
    std::unique_ptr<sim_app> app;
    std::thread loop;
};

running_sim::running_sim(options opts) : impl_(std::make_unique<impl>()) {
    // Built and started before the loop thread exists, so no state is shared while it runs.
    impl_->app = std::make_unique<sim_app>(impl_->ioc, std::move(opts));
    impl_->app->start();
    impl_->loop = std::thread([this] { impl_->ioc.run(); });
}

running_sim::~running_sim() {
    boost::asio::post(impl_->ioc, [this] {
        impl_->app->stop();
        impl_->ioc.stop();
    });
    impl_->loop.join();
}

std::uint16_t running_sim::port(std::size_t controller) const {
    return impl_->app->ports().at(controller);
}

std::uint16_t running_sim::control_port() const {
    return impl_->app->control_port();
}

const std::string& running_sim::fingerprint() const {
    return impl_->app->fingerprint();
}

std::string running_sim::ready_line() const {
    return impl_->app->ready_line();
}

http_result running_sim::control(std::string_view method, std::string_view target,
                                 std::string_view body) const {
    return http_call(control_port(), method, target, body);
}

std::string running_sim::post(std::string_view action, std::string_view body,
                              std::size_t controller) const {
    const auto target = "/controllers/" + std::to_string(controller) + "/" + std::string(action);
    const auto result = control("POST", target, body);
    EXPECT_EQ(result.status, 200u) << target << " " << body << " -> " << result.body;
    return result.body;
}

rapidjson::Document running_sim::stats(std::size_t controller) const {
    const auto result = control("GET", "/stats");
    EXPECT_EQ(result.status, 200u);
    const auto all = parse(result.body);
    rapidjson::Document one;
    if (all.IsObject() && all.HasMember("controllers") && all["controllers"].IsArray() &&
        controller < all["controllers"].Size())
        one.CopyFrom(all["controllers"][static_cast<rapidjson::SizeType>(controller)],
                     one.GetAllocator());
    return one;
}

std::uint64_t running_sim::counter(std::string_view name, std::size_t controller) const {
    const auto s = stats(controller);
    const std::string key(name);
    if (!s.IsObject() || !s.HasMember(key.c_str()) || !s[key.c_str()].IsUint64()) {
        ADD_FAILURE() << "no counter " << name;
        return 0;
    }
    return s[key.c_str()].GetUint64();
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(10ms); // a poll interval, bounded by the deadline above
    }
    return true;
}

rapidjson::Document parse(std::string_view text) {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    return doc;
}

} // namespace mg::sim::test
