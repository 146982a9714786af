#include "gateway/sim/replay_player.hpp"

#include "gateway/sim/json.hpp"

#include <cctype>

namespace mg::sim::replay {
namespace {

const std::vector<timed_frame> no_frames;

bool is_all_zero(std::string_view bytes) {
    return bytes.find_first_not_of('\0') == std::string_view::npos;
}

} // namespace

player::player(script s) : script_(std::move(s)) {}

template <class T> const T* player::next(const std::vector<T>& answers, std::size_t& cursor) {
    if (answers.empty())
        return nullptr;
    const auto& answer = answers[std::min(cursor, answers.size() - 1)];
    ++cursor;
    return &answer;
}

http_reply player::answer_http(std::string_view method, std::string_view path,
                               std::string_view body) {
    if (path == "/authenticate" || path.starts_with("/authenticate?")) {
        const auto shape = login_shape(body);
        if (const auto by_shape = script_.authenticate_by_shape.find(shape);
            by_shape != script_.authenticate_by_shape.end()) {
            const auto* a = next(by_shape->second, auth_shape_cursors_[shape]);
            return {a->status, with_own_tokens(a->body)};
        }
        if (const auto* a = next(script_.authenticate, auth_cursor_))
            return {a->status, with_own_tokens(a->body)};
        // Nothing recorded: the capture began with a live session. Any credentials do.
        return {200, R"({"token":"replay-token-0"})"};
    }
    const auto key = http_key(method, path, body);
    const auto it = script_.http.find(key);
    if (it == script_.http.end()) {
        note("no recorded answer to HTTP " + std::string(method) + " " + std::string(path) +
             (body.empty() ? "" : " " + std::string(body)) + "; answered 404");
        return {404, R"({"error":"not in the capture"})"};
    }
    const auto* a = next(it->second, http_cursors_[key]);
    return {a->status, with_own_tokens(a->body)};
}

std::size_t player::open_connection() {
    subscriptions_.emplace_back();
    return connections_++;
}

const std::vector<timed_frame>& player::after_open(std::size_t connection) const {
    return connection < script_.connections.size() ? script_.connections[connection].after_open
                                                   : no_frames;
}

frame player::keepalive_answer() {
    const auto& answers = script_.keepalive_answers;
    if (keepalive_cursor_ < answers.size())
        return answers[keepalive_cursor_++];
    // Past the recording: the session goes on as it last was (a live key, not an expiry).
    for (auto it = answers.rbegin(); it != answers.rend(); ++it)
        if (!it->binary || !is_all_zero(it->data))
            return *it;
    return {"{}", false, 0};
}

std::optional<frame> player::reply_to(const std::string& key, const rapidjson::Value& request) {
    const auto it = script_.replies.find(key);
    if (it == script_.replies.end()) {
        note("no recorded reply to the request " + key + "; none sent");
        return std::nullopt;
    }
    const auto* recorded = next(it->second, reply_cursors_[key]);
    if (recorded == nullptr)
        return std::nullopt; // the controller never answered it either
    rapidjson::Document reply;
    const auto text = with_own_tokens(recorded->data);
    if (!json::parse_object(reply, text))
        return frame{text, false, recorded->line};
    reply.RemoveMember("id");
    if (const auto* id = json::member(request, "id"))
        reply.AddMember("id", rapidjson::Value(*id, reply.GetAllocator()), reply.GetAllocator());
    return frame{json::to_text(reply), false, recorded->line};
}

ws_reaction player::on_text(std::size_t connection, std::string_view text) {
    ws_reaction out;
    if (is_keepalive(text)) {
        out.reply = keepalive_answer();
        return out;
    }
    if (const auto channel = subscribed_channel(text); !channel.empty()) {
        if (connection >= subscriptions_.size())
            return out;
        const auto k = subscriptions_[connection][channel]++;
        if (connection >= script_.connections.size())
            return out;
        const auto& by_channel = script_.connections[connection].after_subscribe;
        const auto it = by_channel.find(channel);
        if (it != by_channel.end() && k < it->second.size())
            out.scheduled = it->second[k];
        return out;
    }
    rapidjson::Document doc;
    if (!json::parse_object(doc, text) || !json::get_string(doc, "request")) {
        note("a frame the recorded controller never answered: " + std::string(text));
        return out;
    }
    out.reply = reply_to(request_key(text), doc);
    return out;
}

void player::note(std::string text) {
    if (noted_.insert(text).second)
        notes_.push_back(std::move(text));
}

std::vector<std::string> player::take_notes() {
    return std::exchange(notes_, {});
}

std::string with_own_tokens(std::string_view text) {
    constexpr std::string_view open = "<token-";
    std::string out;
    out.reserve(text.size());
    std::size_t at = 0;
    while (true) {
        const auto found = text.find(open, at);
        if (found == std::string_view::npos)
            break;
        auto end = found + open.size();
        while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end])) != 0)
            ++end;
        if (end == found + open.size() || end >= text.size() || text[end] != '>') {
            out.append(text.substr(at, found + open.size() - at));
            at = found + open.size();
            continue;
        }
        out.append(text.substr(at, found - at));
        out.append("replay-token-");
        out.append(text.substr(found + open.size(), end - found - open.size()));
        at = end + 1;
    }
    out.append(text.substr(at));
    return out;
}

} // namespace mg::sim::replay
