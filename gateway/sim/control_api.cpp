#include "gateway/sim/control_api.hpp"

#include "gateway/sim/controller.hpp"
#include "gateway/sim/json.hpp"
#include "gateway/sim/url.hpp"

#include <array>
#include <charconv>

namespace mg::sim {
namespace {

control_reply error(unsigned status, std::string_view message) {
    return {status,
            json::object_text([&](json::writer& w) { json::field_str(w, "error", message); })};
}

control_reply ok(std::size_t sent) {
    return {200, json::object_text([&](json::writer& w) {
                json::field_bool(w, "ok", true);
                json::key(w, "sent");
                w.Uint64(sent);
            })};
}

template <std::size_t N>
bool one_of(std::string_view value, const std::array<std::string_view, N>& allowed) {
    return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

constexpr std::array<std::string_view, 5> timeline_states{"none", "running", "paused",
                                                          "holding_at_end", "released"};
constexpr std::array<std::string_view, 3> scene_states{"none", "started", "released"};

// Members that are present must have the right type; an absent member leaves the value as it is.
struct fields {
    const rapidjson::Value& body;

    template <class Get> bool typed(std::string_view name, Get get) const {
        return json::member(body, name) == nullptr || get(body, name).has_value();
    }
};

control_reply set_timeline(controller& c, const rapidjson::Value& body) {
    const auto num = json::get_int(body, "num");
    if (!num)
        return error(400, "num (integer) is required");
    auto* t = c.model().timeline(static_cast<int>(*num));
    if (t == nullptr)
        return error(404, "no such timeline");
    const fields f{body};
    const auto state = json::get_string(body, "state");
    const auto position = json::get_int(body, "position");
    if (!f.typed("state", json::get_string) || (state && !one_of(*state, timeline_states)))
        return error(400, "state must be none, running, paused, holding_at_end or released");
    if (!f.typed("position", json::get_int) || (position && *position < 0))
        return error(400, "position must be a non-negative integer (ms)");
    if (!f.typed("onstage", json::get_bool))
        return error(400, "onstage must be a boolean");
    if (state)
        t->state = *state;
    if (position)
        t->position = static_cast<int>(*position);
    if (const auto onstage = json::get_bool(body, "onstage"))
        t->onstage = *onstage;
    return ok(c.publish("timeline", c.model().timeline_frame(*t)));
}

control_reply set_scene(controller& c, const rapidjson::Value& body) {
    const auto num = json::get_int(body, "num");
    if (!num)
        return error(400, "num (integer) is required");
    auto* s = c.model().scene(static_cast<int>(*num));
    if (s == nullptr)
        return error(404, "no such scene");
    const fields f{body};
    const auto state = json::get_string(body, "state");
    if (!f.typed("state", json::get_string) || (state && !one_of(*state, scene_states)))
        return error(400, "state must be none, started or released");
    if (!f.typed("onstage", json::get_bool))
        return error(400, "onstage must be a boolean");
    if (state)
        s->state = *state;
    if (const auto onstage = json::get_bool(body, "onstage"))
        s->onstage = *onstage;
    return ok(c.publish("scene", c.model().scene_frame(*s)));
}

control_reply set_group(controller& c, const rapidjson::Value& body) {
    const auto num = json::get_int(body, "num");
    if (!num)
        return error(400, "num (integer) is required; 0 is All Fixtures");
    auto* g = c.model().group(static_cast<int>(*num));
    if (g == nullptr)
        return error(404, "no such group");
    const auto level = json::get_int(body, "level");
    if (!fields{body}.typed("level", json::get_int) || (level && (*level < 0 || *level > 100)))
        return error(400, "level must be an integer 0-100");
    if (level)
        g->level = static_cast<int>(*level);
    return ok(c.publish("group", c.model().group_frame(*g)));
}

std::optional<std::string> from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0)
        return std::nullopt;
    std::string bytes;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        unsigned value = 0;
        const auto [ptr, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, value, 16);
        if (ec != std::errc{} || ptr != hex.data() + i + 2)
            return std::nullopt;
        bytes.push_back(static_cast<char>(value));
    }
    return bytes;
}

control_reply broadcast(controller& c, const rapidjson::Value& body) {
    if (const auto frame = json::get_string(body, "frame"))
        return ok(c.send_to_all(text_frame(std::string(*frame))));
    if (const auto hex = json::get_string(body, "binary_hex")) {
        auto bytes = from_hex(*hex);
        if (!bytes)
            return error(400, "binary_hex must be pairs of hex digits");
        return ok(c.send_to_all(binary_frame(std::move(*bytes))));
    }
    return error(400, "frame (string) or binary_hex (string) is required");
}

control_reply set_reply(controller& c, const rapidjson::Value& body) {
    const auto request = json::get_string(body, "request");
    const auto* data = json::member(body, "data");
    if (!request || request->empty() || data == nullptr)
        return error(400, "request (string) and data (JSON, or null to restore) are required");
    c.model().set_reply_override(
        std::string(*request), data->IsNull() ? std::nullopt : std::optional(json::to_text(*data)));
    return ok(0);
}

control_reply fault(controller& c, const rapidjson::Value& body) {
    const auto name = json::get_string(body, "kind");
    const auto kind = name ? parse_fault_kind(*name) : std::nullopt;
    if (!kind)
        return error(400, "kind must be drop, refuse, expire, restart, silence, garbage, binary "
                          "or oversized");
    const auto seconds = json::get_number(body, "seconds");
    const bool timed = *kind == fault_kind::refuse || *kind == fault_kind::silence;
    if (timed && (!seconds || *seconds < 0))
        return error(400, "seconds (non-negative number) is required for this kind");
    const auto duration = std::chrono::duration_cast<controller::clock::duration>(
        std::chrono::duration<double>(seconds.value_or(0)));
    c.apply_fault(*kind, duration);
    return ok(0);
}

control_reply set_auth_answers(controller& c, const rapidjson::Value& body) {
    const fields f{body};
    const auto expired = json::get_string(body, "expired_token");
    const auto wrong = json::get_string(body, "wrong_credentials");
    const auto expired_answer = expired ? parse_expired_token_answer(*expired) : std::nullopt;
    const auto wrong_answer = wrong ? parse_wrong_credentials_answer(*wrong) : std::nullopt;
    if (!f.typed("expired_token", json::get_string) || (expired && !expired_answer))
        return error(400, "expired_token must be 401, redirect or body");
    if (!f.typed("wrong_credentials", json::get_string) || (wrong && !wrong_answer))
        return error(400, "wrong_credentials must be redirect, 401, 403 or no-token");
    if (expired_answer)
        c.answers().expired_token = *expired_answer;
    if (wrong_answer)
        c.answers().wrong_credentials = *wrong_answer;
    return ok(0);
}

control_reply http_calls(const controller& c) {
    return {200, json::object_text([&](json::writer& w) {
                json::key(w, "calls");
                c.write_http_calls(w);
            })};
}

std::optional<std::size_t> to_index(std::string_view text) {
    std::size_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size())
        return std::nullopt;
    return value;
}

} // namespace

control_api::control_api(std::vector<std::shared_ptr<controller>> controllers)
    : controllers_(std::move(controllers)) {}

control_reply control_api::handle(std::string_view method, std::string_view target,
                                  std::string_view body) {
    const auto path = split_target(target).path;
    if (path == "/stats" && method == "GET")
        return stats();
    if (path == "/reset-stats" && method == "POST")
        return reset_stats();
    constexpr std::string_view prefix = "/controllers/";
    if (path.starts_with(prefix))
        return controller_call(method, path.substr(prefix.size()), body);
    return error(404, "no such route");
}

control_reply control_api::stats() const {
    return {200, json::object_text([this](json::writer& w) {
                json::key(w, "controllers");
                w.StartArray();
                for (const auto& c : controllers_)
                    c->write_stats(w);
                w.EndArray();
            })};
}

control_reply control_api::reset_stats() {
    for (const auto& c : controllers_)
        c->reset_stats();
    return ok(0);
}

control_reply control_api::controller_call(std::string_view method, std::string_view rest,
                                           std::string_view body) {
    const auto slash = rest.find('/');
    const auto index = to_index(rest.substr(0, slash));
    if (!index || *index >= controllers_.size())
        return error(404, "no such controller");
    const auto action =
        slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    auto& c = *controllers_[*index];
    if (action == "http-calls" && method == "GET")
        return http_calls(c);
    if (action.empty() || method != "POST")
        return error(404, "no such route (controller calls are POST)");
    rapidjson::Document doc;
    if (!json::parse_object(doc, body.empty() ? std::string_view("{}") : body))
        return error(400, "the body must be a JSON object");
    if (action == "timeline")
        return set_timeline(c, doc);
    if (action == "scene")
        return set_scene(c, doc);
    if (action == "group")
        return set_group(c, doc);
    if (action == "broadcast")
        return broadcast(c, doc);
    if (action == "set")
        return set_reply(c, doc);
    if (action == "fault")
        return fault(c, doc);
    if (action == "auth-answers")
        return set_auth_answers(c, doc);
    if (action == "tick")
        return ok(c.tick());
    return error(404, "no such route");
}

} // namespace mg::sim
