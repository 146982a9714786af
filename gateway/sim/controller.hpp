#pragma once
// One simulated controller: its show, security, counters, faults and live connections. Transport
// code (listener, HTTP session, WebSocket) reports to it; it never touches a socket itself.

#include "gateway/sim/connection.hpp"
#include "gateway/sim/counters.hpp"
#include "gateway/sim/json.hpp"
#include "gateway/sim/options.hpp"
#include "gateway/sim/project_model.hpp"
#include "gateway/sim/security.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace mg::sim {

class flood;

struct controller_config {
    std::size_t index = 0;
    std::string hardware = "MSC";
    std::size_t max_connections = 8;
    std::vector<user_credentials> users;
    std::chrono::milliseconds token_idle{300'000};
    std::uint64_t seed = 1;
    std::chrono::milliseconds http_idle{120'000};
    std::uint64_t flood_rate = 0;
    std::uint64_t flood_count = 0;
    expired_token_answer expired_token = expired_token_answer::unauthorized;
    wrong_credentials_answer wrong_credentials = wrong_credentials_answer::redirect;
};

// How the controller's HTTP side answers authentication problems; changeable while running.
struct auth_answers {
    expired_token_answer expired_token = expired_token_answer::unauthorized;
    wrong_credentials_answer wrong_credentials = wrong_credentials_answer::redirect;
};

// One HTTP control call as the controller received it, for tests to check what a client sent.
struct http_call_record {
    std::string method;
    std::string target; // path and query as sent
    std::string content_type;
    std::string body;
    bool bearer = false; // an `Authorization: Bearer` header was present (the token is not kept)
    unsigned status = 0; // what the controller answered
};

enum class fault_kind { drop, refuse, expire, restart, silence, garbage, binary, oversized };
std::optional<fault_kind> parse_fault_kind(std::string_view name);

class controller : public std::enable_shared_from_this<controller> {
public:
    using clock = std::chrono::steady_clock;

    controller(boost::asio::any_io_executor executor, controller_config config);
    ~controller();

    std::size_t index() const { return config_.index; }
    std::uint16_t port() const { return port_; }
    std::chrono::milliseconds http_idle() const { return config_.http_idle; }
    void set_port(std::uint16_t port) { port_ = port; }
    project_model& model() { return model_; }
    security& auth() { return security_; }
    counters& stats() { return counters_; }
    auth_answers& answers() { return answers_; }

    // Keeps the newest `max_recorded_calls` control calls; reset_stats() forgets them.
    static constexpr std::size_t max_recorded_calls = 1000;
    void record_http_call(http_call_record call);
    // [{"method","path","content_type","body","bearer","status"}], oldest first
    void write_http_calls(json::writer& w) const;

    // The connection budget: nullopt (counted as refused) when full or refusing on purpose.
    std::optional<connection_slot> admit();
    void attach(std::uint64_t id, std::weak_ptr<connection> carrier);
    void release(std::uint64_t id);

    void ws_opened(std::uint64_t id, std::weak_ptr<ws_client> client);
    void ws_closed(std::uint64_t id);
    void subscribe(std::uint64_t id, std::string_view channel);

    // Each returns how many clients the frame went to; nothing goes out while silenced.
    std::size_t send(std::uint64_t id, const ws_frame& frame);
    std::size_t publish(std::string_view channel, std::string frame);
    std::size_t send_to_all(const ws_frame& frame);

    // `duration` matters for refuse and silence only.
    void apply_fault(fault_kind kind, clock::duration duration);

    // One random change of the show, published; returns the clients reached.
    std::size_t tick();

    // {"index","port",<counters>,"subscriptions":[{"connection","channels"}]}
    void write_stats(json::writer& w) const;
    void reset_stats();

    // Closes every connection and stops flooding, so the event loop can run dry.
    void shutdown();

private:
    struct ws_entry {
        std::weak_ptr<ws_client> client;
        std::vector<std::string> channels; // in subscription order, no repeats
    };

    bool silenced() const { return clock::now() < silence_until_; }
    std::size_t deliver(ws_entry& entry, const ws_frame& frame);
    void close_all();

    boost::asio::any_io_executor executor_;
    controller_config config_;
    std::mt19937_64 rng_;
    project_model model_;
    security security_;
    counters counters_;
    auth_answers answers_;
    std::deque<http_call_record> http_calls_;
    std::uint16_t port_ = 0;
    std::uint64_t next_id_ = 1;
    std::map<std::uint64_t, std::weak_ptr<connection>> connections_;
    std::map<std::uint64_t, ws_entry> ws_clients_;
    clock::time_point refuse_until_{};
    clock::time_point silence_until_{};
    std::shared_ptr<flood> flood_;
};

} // namespace mg::sim
