#pragma once
// P/gateway/info (retained, once at start) and P/gateway/stats (retained, every period).

#include "gateway/features/feature.hpp"
#include "gateway/features/topic_scheme.hpp"
#include "gateway/mqtt/sink.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

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
    gateway_info(mqtt::sink& sink, const topic_scheme& topics, std::string site,
                 boost::asio::any_io_executor loop, std::function<mqtt_counters()> mqtt,
                 std::chrono::milliseconds stats_period = std::chrono::seconds(60));

    void start() override;
    void stop() override;
    void on_controller_added(session::controller& c, const controller_context& context) override;
    void on_controller_removed(session::controller& c) override;
    void on_event(session::controller& c, const protocol::link_event& event) override;

    // The stats payload as it would be published now.
    std::string stats_json() const;

private:
    struct controller_counters {
        std::uint64_t messages_in = 0;
        std::uint64_t rejected = 0;
        std::uint64_t reconnects = 0;
        std::uint64_t authentications = 0;
        bool live = false;
    };

    void publish_info();
    void schedule_stats();

    mqtt::sink& sink_;
    const topic_scheme& topics_;
    std::string site_;
    std::string started_;
    std::function<mqtt_counters()> mqtt_;
    std::chrono::milliseconds period_;
    boost::asio::steady_timer timer_;
    std::map<std::string, controller_counters, std::less<>> controllers_;
    bool running_ = false;
};

} // namespace mg::features
