#include "gateway/mqtt/inbound_gate.hpp"

namespace mg::mqtt {

inbound_message inbound_gate::admit(std::string_view topic, std::string_view payload,
                                    std::string_view response_topic,
                                    std::string_view correlation_data, bool retained) const {
    inbound_message m;
    m.topic = topic;
    m.response_topic = response_topic;
    m.correlation_data = correlation_data;
    m.retained = retained;
    if (payload.size() > limit())
        m.oversize = payload.size();
    else
        m.payload = payload;
    return m;
}

} // namespace mg::mqtt
