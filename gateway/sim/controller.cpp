#include "gateway/sim/controller.hpp"

#include "gateway/protocol/catalogue.hpp"
#include "gateway/sim/changes.hpp"
#include "gateway/sim/flood.hpp"

#include <algorithm>

namespace mg::sim {
namespace {

constexpr std::size_t oversized_bytes = 4 * 1024 * 1024;

std::mt19937_64 seeded_rng(std::uint64_t seed, std::size_t index) {
    std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                      static_cast<std::uint32_t>(index)};
    return std::mt19937_64(seq);
}

// Valid JSON of exactly 4 MiB, so only its size can upset a client.
std::string oversized_frame() {
    const std::string head = R"({"broadcast":"lua","data":{"oversized":")";
    const std::string tail = R"("}})";
    return head + std::string(oversized_bytes - head.size() - tail.size(), 'x') + tail;
}

} // namespace

std::optional<fault_kind> parse_fault_kind(std::string_view name) {
    static constexpr std::pair<std::string_view, fault_kind> kinds[] = {
        {"drop", fault_kind::drop},       {"refuse", fault_kind::refuse},
        {"expire", fault_kind::expire},   {"restart", fault_kind::restart},
        {"silence", fault_kind::silence}, {"garbage", fault_kind::garbage},
        {"binary", fault_kind::binary},   {"oversized", fault_kind::oversized}};
    for (const auto& [n, kind] : kinds)
        if (n == name)
            return kind;
    return std::nullopt;
}

controller::controller(boost::asio::any_io_executor executor, controller_config config)
    : executor_(std::move(executor)), config_(std::move(config)),
      rng_(seeded_rng(config_.seed, config_.index)), model_(config_.hardware, config_.index),
      security_(config_.users, config_.token_idle, rng_),
      answers_{config_.expired_token, config_.wrong_credentials} {}

controller::~controller() = default;

std::optional<connection_slot> controller::admit() {
    if (clock::now() < refuse_until_ || counters_.tcp_current >= config_.max_connections) {
        ++counters_.refused;
        return std::nullopt;
    }
    counters_.tcp_opened();
    const auto id = next_id_++;
    connections_.emplace(id, std::weak_ptr<connection>{});
    return connection_slot(shared_from_this(), id);
}

void controller::attach(std::uint64_t id, std::weak_ptr<connection> carrier) {
    if (const auto it = connections_.find(id); it != connections_.end())
        it->second = std::move(carrier);
}

void controller::release(std::uint64_t id) {
    if (connections_.erase(id) != 0)
        counters_.tcp_closed();
}

void controller::ws_opened(std::uint64_t id, std::weak_ptr<ws_client> client) {
    ws_clients_[id] = ws_entry{std::move(client), {}};
    counters_.ws_opened();
}

void controller::ws_closed(std::uint64_t id) {
    if (ws_clients_.erase(id) != 0)
        counters_.ws_closed();
}

void controller::subscribe(std::uint64_t id, std::string_view channel) {
    const auto it = ws_clients_.find(id);
    if (it == ws_clients_.end())
        return;
    const std::string name(protocol::canonical_name(channel));
    auto& channels = it->second.channels;
    if (std::find(channels.begin(), channels.end(), name) == channels.end())
        channels.push_back(name);
    if (config_.flood_rate > 0 && !flood_ && (name == "group" || name == "timeline")) {
        flood_ = std::make_shared<flood>(executor_, weak_from_this(), config_.flood_rate,
                                         config_.flood_count);
        flood_->start();
    }
}

std::size_t controller::deliver(ws_entry& entry, const ws_frame& frame) {
    if (silenced())
        return 0;
    const auto client = entry.client.lock();
    if (!client)
        return 0;
    client->send(frame);
    ++counters_.messages_out;
    return 1;
}

std::size_t controller::send(std::uint64_t id, const ws_frame& frame) {
    const auto it = ws_clients_.find(id);
    return it == ws_clients_.end() ? 0 : deliver(it->second, frame);
}

std::size_t controller::publish(std::string_view channel, std::string frame) {
    const auto shared = text_frame(std::move(frame));
    std::size_t sent = 0;
    for (auto& [id, entry] : ws_clients_) {
        const auto& channels = entry.channels;
        if (std::find(channels.begin(), channels.end(), channel) != channels.end())
            sent += deliver(entry, shared);
    }
    return sent;
}

std::size_t controller::send_to_all(const ws_frame& frame) {
    std::size_t sent = 0;
    for (auto& [id, entry] : ws_clients_)
        sent += deliver(entry, frame);
    return sent;
}

void controller::apply_fault(fault_kind kind, clock::duration duration) {
    switch (kind) {
    case fault_kind::drop:
        close_all();
        break;
    case fault_kind::refuse:
        refuse_until_ = clock::now() + duration;
        break;
    case fault_kind::expire:
        security_.expire_all();
        break;
    case fault_kind::restart:
        security_.restart();
        break;
    case fault_kind::silence:
        silence_until_ = clock::now() + duration;
        break;
    case fault_kind::garbage:
        send_to_all(text_frame("<html>this is not JSON"));
        break;
    case fault_kind::binary:
        send_to_all(binary_frame(std::string("\x01\x02\x03", 3)));
        break;
    case fault_kind::oversized:
        send_to_all(text_frame(oversized_frame()));
        break;
    }
}

std::size_t controller::tick() {
    auto c = random_change(model_, rng_);
    return publish(c.channel, std::move(c.frame));
}

void controller::write_stats(json::writer& w) const {
    w.StartObject();
    json::key(w, "index");
    w.Uint64(config_.index);
    json::key(w, "port");
    w.Uint(port_);
    counters_.write_members(w);
    json::key(w, "subscriptions");
    w.StartArray();
    for (const auto& [id, entry] : ws_clients_) {
        w.StartObject();
        json::key(w, "connection");
        w.Uint64(id);
        json::key(w, "channels");
        w.StartArray();
        for (const auto& channel : entry.channels)
            json::string(w, channel);
        w.EndArray();
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
}

void controller::record_http_call(http_call_record call) {
    ++counters_.control_calls;
    if (call.status != 204)
        ++counters_.control_rejected;
    http_calls_.push_back(std::move(call));
    if (http_calls_.size() > max_recorded_calls)
        http_calls_.pop_front();
}

void controller::write_http_calls(json::writer& w) const {
    w.StartArray();
    for (const auto& call : http_calls_) {
        w.StartObject();
        json::field_str(w, "method", call.method);
        json::field_str(w, "path", call.target);
        json::field_str(w, "content_type", call.content_type);
        json::field_str(w, "body", call.body);
        json::field_bool(w, "bearer", call.bearer);
        json::key(w, "status");
        w.Uint(call.status);
        w.EndObject();
    }
    w.EndArray();
}

void controller::reset_stats() {
    counters_.reset();
    http_calls_.clear();
}

void controller::close_all() {
    // Copy first: closing completes asynchronously, but keep the registry stable regardless.
    std::vector<std::shared_ptr<connection>> live;
    for (const auto& [id, carrier] : connections_)
        if (auto c = carrier.lock())
            live.push_back(std::move(c));
    for (const auto& c : live)
        c->close();
}

void controller::shutdown() {
    if (flood_)
        flood_->stop();
    close_all();
}

} // namespace mg::sim
