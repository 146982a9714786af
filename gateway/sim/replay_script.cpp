#include "gateway/sim/replay_script.hpp"

#include "gateway/sim/json.hpp"

#include <algorithm>
#include <deque>
#include <optional>
#include <stdexcept>

namespace mg::sim::replay {
namespace {

// Writes `value` with object members sorted by name, leaving out top-level `skip` members, so
// two frames that differ only in member order or in id/token have the same text.
void write_sorted(json::writer& w, const rapidjson::Value& value,
                  const std::vector<std::string_view>& skip) {
    if (!value.IsObject()) {
        value.Accept(w);
        return;
    }
    std::vector<const rapidjson::Value::Member*> members;
    for (const auto& m : value.GetObject()) {
        const std::string_view name{m.name.GetString(), m.name.GetStringLength()};
        if (std::find(skip.begin(), skip.end(), name) == skip.end())
            members.push_back(&m);
    }
    std::sort(members.begin(), members.end(), [](const auto* a, const auto* b) {
        return std::string_view(a->name.GetString(), a->name.GetStringLength()) <
               std::string_view(b->name.GetString(), b->name.GetStringLength());
    });
    w.StartObject();
    for (const auto* m : members) {
        w.Key(m->name.GetString(), m->name.GetStringLength());
        write_sorted(w, m->value, {});
    }
    w.EndObject();
}

std::string sorted_text(const rapidjson::Value& value, const std::vector<std::string_view>& skip) {
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    write_sorted(w, value, skip);
    return json::text(buffer);
}

std::string normal_channel(std::string_view name) {
    std::string out(name);
    std::replace(out.begin(), out.end(), '-', '_');
    return out;
}

// The channel a frame from the controller belongs to (mosaic-api.md §4 and §9.1): its
// `broadcast`, else its `request`, else what its data holds; empty when none says.
std::string channel_of(const rapidjson::Value& doc) {
    if (const auto b = json::get_string(doc, "broadcast"))
        return normal_channel(*b);
    if (const auto r = json::get_string(doc, "request"))
        return normal_channel(*r);
    const auto* data = json::member(doc, "data");
    if (data == nullptr || !data->IsObject())
        return {};
    static constexpr std::pair<std::string_view, std::string_view> by_key[] = {
        {"remote_devices", "remote_device"},
        {"content_targets", "content_target"},
        {"modules", "io_module"},
        {"instances", "io_module"},
        {"log", "log"}};
    for (const auto& [key, channel] : by_key)
        if (json::member(*data, key) != nullptr)
            return std::string(channel);
    return {};
}

bool is_empty_object(std::string_view text) {
    rapidjson::Document doc;
    return json::parse_object(doc, text) && doc.ObjectEmpty();
}

class builder {
public:
    explicit builder(std::string_view controller) : controller_(controller) {}

    void add(const capture_event& e) {
        switch (e.kind) {
        case event_kind::ws_open:
            return open(e);
        case event_kind::ws_close:
            return close();
        case event_kind::ws_send:
            return sent(e);
        case event_kind::ws_recv:
            return received(e);
        case event_kind::http_request:
            http_pending_.push_back(e);
            return;
        case event_kind::http_response:
            return answered(e);
        case event_kind::capture_stopped:
            return;
        }
    }

    script finish() {
        for (const auto& e : http_pending_)
            problem(e.line, "HTTP " + e.method + " " + e.path +
                                " has no recorded answer; the replay answers it 404");
        return std::move(out_);
    }

private:
    struct open_connection {
        double opened = 0;
        // subscription times per channel, in order
        std::map<std::string, std::vector<double>, std::less<>> subscriptions;
        // request id -> (request name, key) of requests waiting for their reply
        std::map<std::int64_t, std::pair<std::string, std::string>> pending;
        std::size_t keepalives_waiting = 0;
    };

    void problem(std::size_t line, std::string message) {
        out_.problems.push_back({line, std::move(message)});
    }

    void open(const capture_event& e) {
        if (out_.url.empty())
            out_.url = e.url;
        out_.connections.emplace_back();
        current_ = open_connection{};
        current_->opened = e.t;
    }

    void close() { current_.reset(); }

    open_connection* connection(const capture_event& e) {
        if (!current_) {
            problem(e.line, "a frame outside a WebSocket connection (no ws_open before it), "
                            "skipped");
            return nullptr;
        }
        return &*current_;
    }

    void sent(const capture_event& e) {
        auto* c = connection(e);
        if (c == nullptr || e.binary)
            return;
        if (is_keepalive(e.data)) {
            ++c->keepalives_waiting;
            return;
        }
        if (const auto channel = subscribed_channel(e.data); !channel.empty()) {
            auto& times = c->subscriptions[channel];
            times.push_back(e.t);
            auto& lists = out_.connections.back().after_subscribe[channel];
            lists.resize(times.size());
            return;
        }
        rapidjson::Document doc;
        if (!json::parse_object(doc, e.data))
            return;
        const auto request = json::get_string(doc, "request");
        if (!request)
            return;
        auto key = request_key(e.data);
        out_.replies.try_emplace(key);
        if (const auto id = json::get_int(doc, "id"))
            c->pending[*id] = {std::string(*request), std::move(key)};
        else
            unnumbered_[std::string(*request)].push_back(std::move(key));
    }

    void received(const capture_event& e) {
        auto* c = connection(e);
        if (c == nullptr)
            return;
        const frame f{e.data, e.binary, e.line};
        if (e.binary || (c->keepalives_waiting > 0 && is_empty_object(e.data))) {
            if (c->keepalives_waiting > 0)
                --c->keepalives_waiting;
            out_.keepalive_answers.push_back(f);
            return;
        }
        rapidjson::Document doc;
        if (!json::parse_object(doc, e.data)) {
            broadcast(*c, {}, e, f); // not JSON: played as it was, when it was
            return;
        }
        if (is_reply(*c, doc, f))
            return;
        broadcast(*c, channel_of(doc), e, f);
    }

    // Files `f` as the reply to a waiting request when it answers one.
    bool is_reply(open_connection& c, const rapidjson::Value& doc, const frame& f) {
        const auto request = json::get_string(doc, "request");
        if (!request)
            return false;
        if (const auto id = json::get_int(doc, "id")) {
            const auto it = c.pending.find(*id);
            if (it == c.pending.end() || it->second.first != *request)
                return false;
            out_.replies[it->second.second].push_back(f);
            c.pending.erase(it);
            return true;
        }
        // A reply without an id answers the oldest request of its name that had none either.
        auto& waiting = unnumbered_[std::string(*request)];
        if (waiting.empty())
            return false;
        out_.replies[waiting.front()].push_back(f);
        waiting.pop_front();
        return true;
    }

    void broadcast(open_connection& c, const std::string& channel, const capture_event& e,
                   const frame& f) {
        auto& script = out_.connections.back();
        const auto times = c.subscriptions.find(channel);
        if (times == c.subscriptions.end()) {
            script.after_open.push_back({e.t - c.opened, f});
            return;
        }
        const auto k = times->second.size() - 1;
        script.after_subscribe[channel][k].push_back({e.t - times->second.back(), f});
    }

    void answered(const capture_event& e) {
        const auto it = std::find_if(http_pending_.begin(), http_pending_.end(), [&](auto& r) {
            return r.method == e.method && r.path == e.path;
        });
        if (it == http_pending_.end()) {
            problem(e.line, "an HTTP answer to no recorded request (" + e.method + " " + e.path +
                                "), skipped");
            return;
        }
        const http_answer answer{e.status, e.body, e.line};
        if (it->path == "/authenticate" || it->path.starts_with("/authenticate?")) {
            out_.authenticate.push_back(answer);
            if (auto shape = login_shape(it->body); !shape.empty())
                out_.authenticate_by_shape[std::move(shape)].push_back(answer);
        } else {
            out_.http[http_key(it->method, it->path, it->body)].push_back(answer);
        }
        http_pending_.erase(it);
    }

    std::string controller_;
    script out_;
    std::optional<open_connection> current_;
    std::map<std::string, std::deque<std::string>, std::less<>> unnumbered_;
    std::deque<capture_event> http_pending_;
};

} // namespace

script build_script(const capture& c, std::string_view controller) {
    const auto names = controller_names(c);
    if (std::find(names.begin(), names.end(), controller) == names.end())
        throw std::invalid_argument("no controller '" + std::string(controller) +
                                    "' in the capture");
    builder b(controller);
    for (const auto& e : c.events)
        if (e.controller == controller)
            b.add(e);
    return b.finish();
}

std::string request_key(std::string_view text) {
    rapidjson::Document doc;
    if (!json::parse_object(doc, text) || !json::get_string(doc, "request"))
        return {};
    return sorted_text(doc, {"id", "token"});
}

std::string http_key(std::string_view method, std::string_view path, std::string_view body) {
    std::string key = std::string(method) + ' ' + std::string(path) + ' ';
    rapidjson::Document doc;
    if (json::parse_object(doc, body))
        return key + sorted_text(doc, {"token"});
    return key + std::string(body);
}

std::string login_shape(std::string_view body) {
    rapidjson::Document doc;
    if (!json::parse_object(doc, body))
        return {};
    std::vector<std::string> names;
    for (const auto& m : doc.GetObject())
        names.emplace_back(m.name.GetString(), m.name.GetStringLength());
    std::sort(names.begin(), names.end());
    std::string out;
    for (const auto& n : names)
        out += (out.empty() ? "" : ",") + n;
    return out.empty() ? "{}" : out;
}

bool is_keepalive(std::string_view text) {
    if (text.empty())
        return true;
    rapidjson::Document doc;
    if (!json::parse_object(doc, text))
        return false;
    return doc.ObjectEmpty() || (doc.MemberCount() == 1 && doc.HasMember("token"));
}

std::string subscribed_channel(std::string_view text) {
    rapidjson::Document doc;
    if (!json::parse_object(doc, text))
        return {};
    const auto channel = json::get_string(doc, "subscribe");
    return channel ? normal_channel(*channel) : std::string{};
}

} // namespace mg::sim::replay
