#include "tests/support/mqtt_recorder.hpp"

#include "gateway/mqtt/topics.hpp"

#include <atomic>
#include <mqtt/async_client.h>
#include <stdexcept>
#include <unistd.h>

namespace mg::test {

namespace {

std::atomic<int> recorder_count{0};

bool on_topic(std::string_view filter_or_topic, std::string_view topic) {
    return filter_or_topic == topic || mqtt::topic_matches(filter_or_topic, topic);
}

} // namespace

struct mqtt_recorder::state {
    mutable std::mutex mutex;
    std::condition_variable changed;
    std::vector<recorded_message> history;
    bool subscribed = false;
};

// Marks the recorder subscribed when the broker acknowledges.
class mqtt_recorder::subscribe_listener final : public ::mqtt::iaction_listener {
public:
    explicit subscribe_listener(std::weak_ptr<state> s) : state_(std::move(s)) {}
    void on_success(const ::mqtt::token&) override {
        if (const auto s = state_.lock()) {
            {
                std::lock_guard lock(s->mutex);
                s->subscribed = true;
            }
            s->changed.notify_all();
        }
    }
    void on_failure(const ::mqtt::token&) override {}

private:
    std::weak_ptr<state> state_;
};

namespace {

recorder_options everything_on(std::string uri) {
    recorder_options o;
    o.uri = std::move(uri);
    return o;
}

} // namespace

mqtt_recorder::mqtt_recorder(std::string uri) : mqtt_recorder(everything_on(std::move(uri))) {}

mqtt_recorder::mqtt_recorder(recorder_options options, std::chrono::milliseconds timeout)
    : options_(std::move(options)), state_(std::make_shared<state>()),
      subscribed_(std::make_unique<subscribe_listener>(state_)) {
    if (options_.client_id.empty())
        options_.client_id =
            "mg-recorder-" + std::to_string(::getpid()) + "-" + std::to_string(recorder_count++);
    const bool v5 = options_.protocol != 3;
    client_ = std::make_unique<::mqtt::async_client>(
        options_.uri, options_.client_id,
        ::mqtt::create_options(v5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1), nullptr);

    // The state is shared so callbacks racing the destructor never see a dead object.
    std::weak_ptr<state> weak = state_;
    client_->set_message_callback([weak](::mqtt::const_message_ptr m) {
        const auto s = weak.lock();
        if (!s || !m)
            return;
        recorded_message r{m->get_topic(),
                           m->get_payload_str(),
                           m->is_retained(),
                           m->get_qos(),
                           {},
                           {},
                           std::chrono::steady_clock::now()};
        const auto& props = m->get_properties();
        if (props.contains(::mqtt::property::RESPONSE_TOPIC))
            r.response_topic = ::mqtt::get<std::string>(props, ::mqtt::property::RESPONSE_TOPIC);
        if (props.contains(::mqtt::property::CORRELATION_DATA))
            r.correlation_data =
                ::mqtt::get<std::string>(props, ::mqtt::property::CORRELATION_DATA);
        {
            std::lock_guard lock(s->mutex);
            s->history.push_back(std::move(r));
        }
        s->changed.notify_all();
    });
    client_->set_connection_lost_handler([weak](const std::string&) {
        if (const auto s = weak.lock()) {
            std::lock_guard lock(s->mutex);
            s->subscribed = false;
        }
    });
    // Subscribing again after an automatic reconnect; a fresh session has no subscriptions.
    client_->set_connected_handler([this](const std::string&) { subscribe_all(); });

    ::mqtt::connect_options_builder b;
    if (v5) {
        b.mqtt_version(MQTTVERSION_5).clean_start(!options_.persistent_session);
        if (options_.persistent_session) {
            ::mqtt::properties props;
            props.add(::mqtt::property(::mqtt::property::SESSION_EXPIRY_INTERVAL, 3600));
            b.properties(std::move(props));
        }
    } else {
        b.mqtt_version(MQTTVERSION_3_1_1).clean_session(!options_.persistent_session);
    }
    if (options_.auto_reconnect)
        b.automatic_reconnect(std::chrono::milliseconds(100), std::chrono::seconds(1));
    if (!options_.username.empty())
        b.user_name(options_.username);
    if (!options_.password.empty())
        b.password(options_.password);
    try {
        client_->connect(b.finalize())->wait_for(timeout);
    } catch (const ::mqtt::exception& e) {
        throw std::runtime_error("mqtt_recorder: cannot connect to " + options_.uri + ": " +
                                 e.what());
    }
    if (!wait_connected(timeout))
        throw std::runtime_error("mqtt_recorder: no subscription on " + options_.uri);
}

mqtt_recorder::~mqtt_recorder() {
    try {
        client_->disable_callbacks();
        if (client_->is_connected())
            client_->disconnect(1000)->wait_for(std::chrono::seconds(2));
    } catch (const ::mqtt::exception&) {
    }
}

// Runs on a Paho thread, after every successful (re)connect.
void mqtt_recorder::subscribe_all() {
    const bool v5 = options_.protocol != 3;
    // Retain As Published: with MQTT 5 a broker clears the retain flag on live messages
    // unless asked, and tests check it.
    const ::mqtt::subscribe_options opts(false, v5);
    try {
        // Paho reads the options list only for two or more filters; one goes on its own.
        if (options_.filters.size() == 1) {
            client_->subscribe(options_.filters.front(), options_.qos, nullptr, *subscribed_, opts);
        } else {
            auto filters = ::mqtt::string_collection::create(options_.filters);
            ::mqtt::iasync_client::qos_collection qos(options_.filters.size(), options_.qos);
            std::vector<::mqtt::subscribe_options> each;
            if (v5)
                each.assign(options_.filters.size(), opts);
            client_->subscribe(filters, qos, nullptr, *subscribed_, each);
        }
    } catch (const ::mqtt::exception&) {
        // Lost again already; the next connect subscribes.
    }
}

bool mqtt_recorder::connected() const {
    std::lock_guard lock(state_->mutex);
    return state_->subscribed;
}

bool mqtt_recorder::wait_connected(std::chrono::milliseconds timeout) {
    std::unique_lock lock(state_->mutex);
    return state_->changed.wait_for(lock, timeout, [&] { return state_->subscribed; });
}

std::optional<recorded_message>
mqtt_recorder::wait_for(std::string_view topic,
                        const std::function<bool(const recorded_message&)>& predicate,
                        std::chrono::milliseconds timeout) {
    std::optional<recorded_message> found;
    std::unique_lock lock(state_->mutex);
    state_->changed.wait_for(lock, timeout, [&] {
        for (auto it = state_->history.rbegin(); it != state_->history.rend(); ++it) {
            if (!on_topic(topic, it->topic))
                continue;
            if (predicate(*it))
                found = *it;
            return found.has_value();
        }
        return false;
    });
    return found;
}

std::optional<recorded_message> mqtt_recorder::wait_for(std::string_view topic,
                                                        std::chrono::milliseconds timeout) {
    return wait_for(
        topic, [](const recorded_message&) { return true; }, timeout);
}

std::optional<recorded_message> mqtt_recorder::wait_for_payload(std::string_view topic,
                                                                std::string_view payload,
                                                                std::chrono::milliseconds timeout) {
    return wait_for(
        topic, [payload](const recorded_message& m) { return m.payload == payload; }, timeout);
}

std::vector<recorded_message> mqtt_recorder::wait_count(std::string_view topic, std::size_t count,
                                                        std::chrono::milliseconds timeout) {
    std::vector<recorded_message> found;
    std::unique_lock lock(state_->mutex);
    state_->changed.wait_for(lock, timeout, [&] {
        found.clear();
        for (const auto& m : state_->history) {
            if (on_topic(topic, m.topic))
                found.push_back(m);
        }
        return found.size() >= count;
    });
    return found;
}

bool mqtt_recorder::wait_until(
    const std::function<bool(const std::vector<recorded_message>&)>& predicate,
    std::chrono::milliseconds timeout) {
    std::unique_lock lock(state_->mutex);
    return state_->changed.wait_for(lock, timeout, [&] { return predicate(state_->history); });
}

std::vector<recorded_message> mqtt_recorder::messages() const {
    std::lock_guard lock(state_->mutex);
    return state_->history;
}

std::vector<recorded_message> mqtt_recorder::messages(std::string_view topic) const {
    std::vector<recorded_message> out;
    std::lock_guard lock(state_->mutex);
    for (const auto& m : state_->history) {
        if (on_topic(topic, m.topic))
            out.push_back(m);
    }
    return out;
}

std::optional<recorded_message> mqtt_recorder::last(std::string_view topic) const {
    std::lock_guard lock(state_->mutex);
    for (auto it = state_->history.rbegin(); it != state_->history.rend(); ++it) {
        if (on_topic(topic, it->topic))
            return *it;
    }
    return std::nullopt;
}

void mqtt_recorder::clear() {
    std::lock_guard lock(state_->mutex);
    state_->history.clear();
}

void mqtt_recorder::publish(std::string_view topic, std::string_view payload, bool retained,
                            std::string_view response_topic, std::string_view correlation_data) {
    auto m = ::mqtt::message::create(std::string(topic), payload.data(), payload.size(),
                                     options_.qos, retained);
    if (options_.protocol != 3 && (!response_topic.empty() || !correlation_data.empty())) {
        ::mqtt::properties props;
        if (!response_topic.empty())
            props.add({::mqtt::property::RESPONSE_TOPIC, std::string(response_topic)});
        if (!correlation_data.empty())
            props.add({::mqtt::property::CORRELATION_DATA, std::string(correlation_data)});
        m->set_properties(std::move(props));
    }
    if (!client_->publish(m)->wait_for(default_timeout))
        throw std::runtime_error("mqtt_recorder: publish to " + std::string(topic) +
                                 " not confirmed");
}

std::vector<std::string> retained_topics(const std::string& uri, const std::string& filter) {
    // The marker goes below the filter itself: one subscription, so the broker's order holds.
    if (!filter.ends_with("/#"))
        throw std::invalid_argument("retained_topics: the filter must end in /#");
    const auto marker = filter.substr(0, filter.size() - 1) + "mg-test-marker-" +
                        std::to_string(::getpid()) + "-" + std::to_string(recorder_count++);
    recorder_options o;
    o.uri = uri;
    o.filters = {filter};
    mqtt_recorder probe(o);
    probe.publish(marker, "x");
    if (!probe.wait_for(marker))
        throw std::runtime_error("retained_topics: the marker never came back");
    std::vector<std::string> topics;
    for (const auto& m : probe.messages(filter)) {
        if (m.retained && !m.payload.empty() && m.topic != marker)
            topics.push_back(m.topic);
    }
    return topics;
}

std::vector<std::string> wait_retained_cleared(const std::string& uri, const std::string& filter,
                                               std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto left = retained_topics(uri, filter);
    while (!left.empty() && std::chrono::steady_clock::now() < deadline)
        left = retained_topics(uri, filter);
    return left;
}

} // namespace mg::test
