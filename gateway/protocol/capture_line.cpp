#include "gateway/protocol/capture_line.hpp"

#include <cmath>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace mg::protocol {
namespace {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::string_view event_name(traffic::kind kind) {
    switch (kind) {
    case traffic::kind::ws_open:
        return "ws_open";
    case traffic::kind::ws_close:
        return "ws_close";
    case traffic::kind::ws_send:
        return "ws_send";
    case traffic::kind::ws_recv:
        return "ws_recv";
    case traffic::kind::http_request:
        return "http_request";
    case traffic::kind::http_response:
        return "http_response";
    }
    return "unknown";
}

void key(writer& w, std::string_view k) {
    w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
}

std::string hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const unsigned char b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 0xF];
    }
    return out;
}

// Bytes that are not UTF-8 become U+FFFD, so a body always stays a JSON string.
std::string valid_utf8(std::string_view text) {
    if (is_utf8(text))
        return std::string(text);
    std::string out;
    for (const char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x80)
            out += c;
        else
            out += "\xEF\xBF\xBD";
    }
    return out;
}

void string(writer& w, std::string_view k, std::string_view v) {
    key(w, k);
    const auto safe = valid_utf8(v);
    w.String(safe.data(), static_cast<rapidjson::SizeType>(safe.size()));
}

void head(writer& w, double seconds, std::string_view controller, std::string_view event) {
    w.SetMaxDecimalPlaces(3);
    w.StartObject();
    key(w, "t");
    w.Double(std::round(seconds * 1000) / 1000);
    string(w, "controller", controller);
    string(w, "event", event);
}

std::string finish(writer& w, rapidjson::StringBuffer& buffer) {
    w.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

} // namespace

bool is_utf8(std::string_view text) {
    std::size_t i = 0;
    const auto n = text.size();
    auto cont = [&](std::size_t at) {
        return at < n && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80;
    };
    while (i < n) {
        const auto b = static_cast<unsigned char>(text[i]);
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if (b < 0x80) {
            ++i;
            continue;
        } else if ((b & 0xE0) == 0xC0) {
            len = 2;
            cp = b & 0x1F;
        } else if ((b & 0xF0) == 0xE0) {
            len = 3;
            cp = b & 0x0F;
        } else if ((b & 0xF8) == 0xF0) {
            len = 4;
            cp = b & 0x07;
        } else {
            return false;
        }
        for (std::size_t k = 1; k < len; ++k) {
            if (!cont(i + k))
                return false;
            cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
        }
        // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
        static constexpr std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < smallest[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

std::string capture_line(capture_redactor& redactor, double seconds, const traffic& event) {
    rapidjson::StringBuffer buffer;
    writer w(buffer);
    head(w, seconds, event.controller, event_name(event.what));
    switch (event.what) {
    case traffic::kind::ws_open:
        string(w, "url", redactor.replace_known(event.text));
        break;
    case traffic::kind::ws_close:
        string(w, "reason", redactor.replace_known(event.text));
        break;
    case traffic::kind::ws_send:
    case traffic::kind::ws_recv:
        if (event.binary) {
            const auto* bytes = reinterpret_cast<const std::uint8_t*>(event.text.data());
            if (const auto placeholder = redactor.session_key({bytes, event.text.size()})) {
                string(w, "session_key", *placeholder);
                key(w, "length");
                w.Uint64(event.text.size());
            } else {
                string(w, "hex", hex(event.text));
            }
        } else {
            const auto text = redactor.redact(event.text);
            // A text frame that is not UTF-8 cannot be a JSON string without loss: kept as hex.
            if (is_utf8(text))
                string(w, "text", text);
            else
                string(w, "hex", hex(text));
        }
        break;
    case traffic::kind::http_request:
        string(w, "method", event.method);
        string(w, "path", redactor.replace_known(event.path));
        string(w, "body", redactor.redact(event.text));
        break;
    case traffic::kind::http_response:
        string(w, "method", event.method);
        string(w, "path", redactor.replace_known(event.path));
        key(w, "status");
        w.Uint(event.status);
        string(w, "body", redactor.redact(event.text));
        if (event.status == 0)
            string(w, "error", redactor.replace_known(event.error));
        break;
    }
    return finish(w, buffer);
}

std::string capture_stopped_line(double seconds, std::string_view controller,
                                 std::string_view reason) {
    rapidjson::StringBuffer buffer;
    writer w(buffer);
    head(w, seconds, controller, "capture_stopped");
    string(w, "reason", reason);
    return finish(w, buffer);
}

} // namespace mg::protocol
