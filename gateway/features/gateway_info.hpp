#pragma once
// P/gateway/info (retained, once at start) and P/gateway/stats (retained, every period). The
// stats payload comes from the gateway's one counter set (status_json.hpp), the same numbers
// /metrics and the status page show.

#include "gateway/features/feature.hpp"
#include "gateway/features/topic_scheme.hpp"
#include "gateway/mqtt/sink.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <set>
#include <string>

namespace mg::features {

// What the broker side counts; supplied by whoever owns the MQTT client.
struct mqtt_counters {
    std::uint64_t published = 0;
    std::uint64_t dropped = 0;
    std::uint64_t reconnects = 0;
    std::size_t buffered = 0;
    bool connected = false;
};

class gateway_info final : public feature {
public:
    // `stats` writes the P/gateway/stats payload as of now.
    gateway_info(mqtt::sink& sink, const topic_scheme& topics, std::string site,
                 boost::asio::any_io_executor loop, std::function<std::string()> stats,
                 std::chrono::milliseconds stats_period = std::chrono::seconds(60));

    void start() override;
    void stop() override;
    void on_controller_added(session::controller& c, const controller_context& context) override;
    void on_controller_removed(session::controller& c) override;

    // UTC ISO 8601 of start().
    const std::string& started() const { return started_; }

private:
    void publish_info();
    void schedule_stats();

    mqtt::sink& sink_;
    const topic_scheme& topics_;
    std::string site_;
    std::string started_;
    std::function<std::string()> stats_;
    std::chrono::milliseconds period_;
    boost::asio::steady_timer timer_;
    std::set<std::string, std::less<>> controllers_;
    bool running_ = false;
};

} // namespace mg::features
