#include "gateway/sim/replay_capture.hpp"

#include "gateway/protocol/hex.hpp"
#include "gateway/sim/json.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace mg::sim::replay {
namespace {

// A session key is at most a few dozen bytes (16 documented); a larger length is a broken line.
constexpr std::size_t max_session_key_length = 4096;

std::optional<event_kind> kind_of(std::string_view name) {
    static constexpr std::pair<std::string_view, event_kind> kinds[] = {
        {"ws_open", event_kind::ws_open},
        {"ws_close", event_kind::ws_close},
        {"ws_send", event_kind::ws_send},
        {"ws_recv", event_kind::ws_recv},
        {"http_request", event_kind::http_request},
        {"http_response", event_kind::http_response},
        {"capture_stopped", event_kind::capture_stopped}};
    for (const auto& [text, kind] : kinds)
        if (text == name)
            return kind;
    return std::nullopt;
}

std::optional<std::string> from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0)
        return std::nullopt;
    std::string bytes;
    bytes.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int high = protocol::hex_value(hex[i]);
        const int low = protocol::hex_value(hex[i + 1]);
        if (high < 0 || low < 0)
            return std::nullopt;
        bytes.push_back(static_cast<char>(high * 16 + low));
    }
    return bytes;
}

struct line_error {
    std::string message;
};

std::string required_string(const rapidjson::Value& line, std::string_view name) {
    const auto value = json::get_string(line, name);
    if (!value)
        throw line_error{"'" + std::string(name) + "' (string) is missing"};
    return std::string(*value);
}

std::string optional_string(const rapidjson::Value& line, std::string_view name) {
    return std::string(json::get_string(line, name).value_or(""));
}

// The frame of a ws_send or ws_recv line: "text", "hex", or (from the controller) a redacted
// session key.
void read_frame(const rapidjson::Value& line, capture_event& e) {
    if (const auto text = json::get_string(line, "text")) {
        e.data = std::string(*text);
        return;
    }
    e.binary = true;
    if (const auto hex = json::get_string(line, "hex")) {
        auto bytes = from_hex(*hex);
        if (!bytes)
            throw line_error{"'hex' is not pairs of hex digits"};
        e.data = std::move(*bytes);
        return;
    }
    if (const auto key = json::get_string(line, "session_key")) {
        const auto length = json::get_int(line, "length");
        if (!length || *length <= 0 || static_cast<std::uint64_t>(*length) > max_session_key_length)
            throw line_error{"a session key needs a 'length' of 1 to " +
                             std::to_string(max_session_key_length) + " bytes"};
        e.data = session_key_bytes(*key, static_cast<std::size_t>(*length));
        return;
    }
    throw line_error{"a frame needs 'text', 'hex' or 'session_key'"};
}

capture_event read_line(const rapidjson::Value& line, event_kind kind) {
    capture_event e;
    e.kind = kind;
    const auto t = json::get_number(line, "t");
    if (!t || !std::isfinite(*t) || *t < 0)
        throw line_error{"'t' (seconds, not negative) is missing"};
    e.t = *t;
    e.controller = required_string(line, "controller");
    switch (kind) {
    case event_kind::ws_open:
        e.url = optional_string(line, "url");
        break;
    case event_kind::ws_close:
    case event_kind::capture_stopped:
        e.reason = optional_string(line, "reason");
        break;
    case event_kind::ws_send:
    case event_kind::ws_recv:
        read_frame(line, e);
        break;
    case event_kind::http_request:
        e.method = required_string(line, "method");
        e.path = required_string(line, "path");
        e.body = optional_string(line, "body");
        break;
    case event_kind::http_response: {
        e.method = required_string(line, "method");
        e.path = required_string(line, "path");
        e.body = optional_string(line, "body");
        e.error = optional_string(line, "error");
        const auto status = json::get_int(line, "status");
        if (!status || *status < 0 || *status > 999)
            throw line_error{"'status' (a number, 0 for no answer) is missing"};
        e.status = static_cast<unsigned>(*status);
        break;
    }
    }
    return e;
}

} // namespace

capture parse_capture(std::string_view text) {
    capture out;
    std::size_t line_number = 0;
    while (!text.empty()) {
        ++line_number;
        const auto newline = text.find('\n');
        auto line = text.substr(0, newline);
        text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.find_first_not_of(" \t") == std::string_view::npos)
            continue;
        rapidjson::Document doc;
        if (!json::parse_object(doc, line)) {
            out.problems.push_back({line_number, "not a JSON object, skipped"});
            continue;
        }
        const auto name = json::get_string(doc, "event");
        if (!name) {
            out.problems.push_back({line_number, "no 'event', skipped"});
            continue;
        }
        const auto kind = kind_of(*name);
        if (!kind) {
            out.problems.push_back(
                {line_number, "unknown event '" + std::string(*name) + "', skipped"});
            continue;
        }
        try {
            auto e = read_line(doc, *kind);
            e.line = line_number;
            out.events.push_back(std::move(e));
        } catch (const line_error& error) {
            out.problems.push_back(
                {line_number, std::string(*name) + ": " + error.message + ", skipped"});
        }
    }
    return out;
}

std::vector<std::string> controller_names(const capture& c) {
    std::vector<std::string> names;
    for (const auto& e : c.events)
        if (std::find(names.begin(), names.end(), e.controller) == names.end())
            names.push_back(e.controller);
    return names;
}

std::string session_key_bytes(std::string_view placeholder, std::size_t length) {
    // FNV-1a of the placeholder seeds the bytes; no byte is zero, so the key never reads as an
    // expired session.
    std::uint64_t h = 1469598103934665603ULL;
    for (const char c : placeholder)
        h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    std::string bytes(length, '\0');
    for (std::size_t i = 0; i < length; ++i) {
        h = h * 6364136223846793005ULL + 1442695040888963407ULL;
        bytes[i] = static_cast<char>(1 + (h >> 56) % 255);
    }
    return bytes;
}

} // namespace mg::sim::replay
