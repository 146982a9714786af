#pragma once
// Controller availability: C/status and C/connection (README "MQTT topics"). P/gateway/status
// belongs to the MQTT sink, which owns the will that carries it.

#include "gateway/features/feature.hpp"
#include "gateway/features/topic_scheme.hpp"
#include "gateway/mqtt/sink.hpp"

#include <map>
#include <string>

namespace mg::features {

class availability final : public feature {
public:
    availability(mqtt::sink& sink, const topic_scheme& topics) : sink_(sink), topics_(topics) {}

    void stop() override;
    void on_controller_added(session::controller& c, const controller_context& context) override;
    void on_controller_removed(session::controller& c) override;
    void on_event(session::controller& c, const protocol::link_event& event) override;

    // Number of controllers currently live, for status lines.
    std::size_t live_count() const;
    std::size_t controller_count() const { return live_.size(); }

private:
    void publish_offline(const std::string& controller);

    mqtt::sink& sink_;
    const topic_scheme& topics_;
    std::map<std::string, bool, std::less<>> live_;
};

} // namespace mg::features
