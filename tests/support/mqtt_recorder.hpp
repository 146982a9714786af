#pragma once
// A plain Paho client that records everything it receives, for asserting on what reached the
// broker. Every wait has a deadline. Thread-safe: Paho delivers on its own threads while the
// test waits on its own.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqtt {
class async_client;
}

namespace mg::test {

using namespace std::chrono_literals;

struct recorded_message {
    std::string topic;
    std::string payload;
    bool retained = false;
    int qos = 0;
    std::string response_topic;   // MQTT 5 only
    std::string correlation_data; // MQTT 5 only
    std::chrono::steady_clock::time_point at;
};

struct recorder_options {
    // Paho's form: tcp://host:port (see mosquitto::paho_uri()).
    std::string uri;
    std::vector<std::string> filters = {"#"};
    int protocol = 5; // 5 or 3 (3.1.1)
    int qos = 1;
    std::string client_id; // empty: a unique one
    std::string username;
    std::string password;
    // Keep the session (and so queued QoS 1/2 messages) across disconnects and broker
    // restarts on a persistent broker: clean_session false, or a session expiry with MQTT 5.
    bool persistent_session = false;
    // Reconnect by itself when the broker goes away, subscribing again.
    bool auto_reconnect = true;
};

class mqtt_recorder {
public:
    static constexpr auto default_timeout = 10s;

    // Connects and subscribes, waiting for the broker's acknowledgement. Throws if that
    // fails within `timeout`.
    explicit mqtt_recorder(recorder_options options,
                           std::chrono::milliseconds timeout = default_timeout);
    // Shorthand: everything (`#`) on the broker at `uri`, MQTT 5.
    explicit mqtt_recorder(std::string uri);
    ~mqtt_recorder();
    mqtt_recorder(const mqtt_recorder&) = delete;
    mqtt_recorder& operator=(const mqtt_recorder&) = delete;

    // Waits until the latest message on `topic` (exact topic, or a filter with + and #)
    // satisfies `predicate` and returns it; nullopt at the deadline. Messages recorded before
    // the call count, so a retained value already seen satisfies it at once.
    std::optional<recorded_message>
    wait_for(std::string_view topic, const std::function<bool(const recorded_message&)>& predicate,
             std::chrono::milliseconds timeout = default_timeout);
    // Waits for any message on `topic`.
    std::optional<recorded_message> wait_for(std::string_view topic,
                                             std::chrono::milliseconds timeout = default_timeout);
    // Waits until the latest message on `topic` carries `payload`.
    std::optional<recorded_message>
    wait_for_payload(std::string_view topic, std::string_view payload,
                     std::chrono::milliseconds timeout = default_timeout);
    // Waits until at least `count` messages on `topic` (exact or filter) were recorded and
    // returns all of them in arrival order; what arrived so far if the deadline passes.
    std::vector<recorded_message> wait_count(std::string_view topic, std::size_t count,
                                             std::chrono::milliseconds timeout = default_timeout);
    // Waits until `predicate` holds for the whole history.
    bool wait_until(const std::function<bool(const std::vector<recorded_message>&)>& predicate,
                    std::chrono::milliseconds timeout = default_timeout);

    // History in arrival order: everything, or what matches `topic` (exact or filter).
    std::vector<recorded_message> messages() const;
    std::vector<recorded_message> messages(std::string_view topic) const;
    std::optional<recorded_message> last(std::string_view topic) const;
    void clear();

    // Publishes as this client, e.g. a command for the gateway, with MQTT 5 request/response
    // properties when given.
    void publish(std::string_view topic, std::string_view payload, bool retained = false,
                 std::string_view response_topic = {}, std::string_view correlation_data = {});

    bool connected() const;
    // Waits until the client is connected and subscribed again after an outage.
    bool wait_connected(std::chrono::milliseconds timeout = default_timeout);

private:
    struct state;
    class subscribe_listener;
    void subscribe_all();

    recorder_options options_;
    std::shared_ptr<state> state_;
    // Before the client: its tokens refer to the listener until the client is gone.
    std::unique_ptr<subscribe_listener> subscribed_;
    std::unique_ptr<::mqtt::async_client> client_;
};

// The topics under `filter` (`.../#`) for which the broker at `uri` holds a retained message,
// as a new subscriber sees them. A marker published below the filter after subscribing bounds
// the wait: retained messages arrive before it.
std::vector<std::string> retained_topics(const std::string& uri, const std::string& filter);

// Asks retained_topics() until it is empty or the deadline passes; what is left.
std::vector<std::string> wait_retained_cleared(const std::string& uri, const std::string& filter,
                                               std::chrono::milliseconds timeout = 10s);

} // namespace mg::test
