#include "gateway/features/status_json.hpp"

#include "gateway/features/json.hpp"

namespace mg::features {
namespace {

void string(json_writer& w, std::string_view text) {
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void key(json_writer& w, std::string_view name) {
    w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
}

// Text the gateway has not learnt yet is null, not "".
void string_or_null(json_writer& w, std::string_view text) {
    if (text.empty())
        w.Null();
    else
        string(w, text);
}

struct totals {
    std::uint64_t messages_in = 0;
    std::uint64_t rejected = 0;
    std::uint64_t reconnects = 0;
    std::uint64_t auth_renewals = 0;
};

void counts(json_writer& w, const totals& t) {
    w.Key("messages_in");
    w.Uint64(t.messages_in);
    w.Key("rejected");
    w.Uint64(t.rejected);
    w.Key("reconnects");
    w.Uint64(t.reconnects);
    w.Key("auth_renewals");
    w.Uint64(t.auth_renewals);
}

totals of(const controller_sample& c) {
    return {c.messages_in, c.messages_rejected, c.reconnects, c.auth_renewals};
}

} // namespace

std::string stats_json(const metrics_snapshot& s) {
    totals all;
    for (const auto& c : s.controllers) {
        all.messages_in += c.messages_in;
        all.rejected += c.messages_rejected;
        all.reconnects += c.reconnects;
        all.auth_renewals += c.auth_renewals;
    }
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    counts(w, all);
    w.Key("messages_out");
    w.Uint64(s.mqtt.messages_out);
    w.Key("dropped");
    w.Uint64(s.mqtt.dropped);
    w.Key("buffered");
    w.Uint64(s.mqtt.buffered);
    w.Key("mqtt_reconnects");
    w.Uint64(s.mqtt.reconnects);
    w.Key("controllers");
    w.StartObject();
    for (const auto& c : s.controllers) {
        key(w, c.name);
        w.StartObject();
        w.Key("live");
        w.Bool(c.up);
        counts(w, of(c));
        w.EndObject();
    }
    w.EndObject();
    w.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

void write_status_json(std::string& out, const status_report& r) {
    const auto& s = r.counters;
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    w.Key("site");
    string(w, s.site);
    w.Key("version");
    string(w, s.version);
    w.Key("started");
    string_or_null(w, r.started);
    w.Key("broker");
    w.StartObject();
    w.Key("connected");
    w.Bool(r.broker.connected);
    w.Key("url");
    string(w, r.broker.url);
    w.Key("since");
    string_or_null(w, r.broker.since);
    w.EndObject();

    w.Key("controllers");
    w.StartArray();
    for (const auto& c : s.controllers) {
        w.StartObject();
        w.Key("name");
        string(w, c.name);
        w.Key("url");
        string(w, c.url);
        w.Key("state");
        string(w, c.state);
        w.Key("since");
        string_or_null(w, c.since);
        w.Key("last_message_age_s");
        if (c.last_message_age)
            w.Double(*c.last_message_age);
        else
            w.Null();
        w.Key("serial");
        string_or_null(w, c.serial);
        w.Key("firmware");
        string_or_null(w, c.firmware);
        w.Key("project");
        string_or_null(w, c.project);
        w.Key("reconnects");
        w.Uint64(c.reconnects);
        w.Key("auth_renewals");
        w.Uint64(c.auth_renewals);
        w.Key("commands");
        w.StartObject();
        for (std::size_t i = 0; i < command_results.size(); ++i) {
            key(w, command_results[i]);
            w.Uint64(c.commands[i]);
        }
        w.EndObject();
        w.Key("last_error");
        string_or_null(w, c.last_error);
        w.EndObject();
    }
    w.EndArray();

    w.Key("events");
    w.StartArray();
    for (auto it = r.events.rbegin(); it != r.events.rend(); ++it) {
        w.StartObject();
        w.Key("t");
        string(w, it->t);
        w.Key("controller");
        string_or_null(w, it->controller);
        w.Key("text");
        string(w, it->text);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    out.append(buffer.GetString(), buffer.GetSize());
}

} // namespace mg::features
