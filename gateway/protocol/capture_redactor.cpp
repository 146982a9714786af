#include "gateway/protocol/capture_redactor.hpp"

#include "gateway/protocol/json_limits.hpp"

#include <algorithm>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace mg::protocol {
namespace {

constexpr std::string_view password_placeholder = "<password>";
constexpr std::string_view username_placeholder = "<username>";

// A username this short (say "op") occurs inside ordinary words, so it is only replaced where a
// JSON key names it (username, user); a password is replaced wherever it occurs, whatever its
// length.
constexpr std::size_t shortest_literal_username = 3;

void replace_all(std::string& text, std::string_view what, std::string_view with) {
    if (what.empty())
        return;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size()))
        text.replace(at, what.size(), with);
}

void add_unique(std::vector<std::string>& list, std::string_view value) {
    if (value.empty() || std::find(list.begin(), list.end(), value) != list.end())
        return;
    list.emplace_back(value);
    // Longer first, so a secret that contains another is replaced whole.
    std::stable_sort(list.begin(), list.end(),
                     [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

using document = rapidjson::Document;
using value = rapidjson::Value;

} // namespace

void capture_redactor::add_credentials(std::string_view username, std::string_view password) {
    add_unique(passwords_, password);
    if (username.size() >= shortest_literal_username)
        add_unique(usernames_, username);
}

const std::string& capture_redactor::token(std::string_view value) {
    if (const auto it = tokens_.find(value); it != tokens_.end())
        return it->second;
    auto placeholder = "<token-" + std::to_string(token_base_ + tokens_.size() + 1) + ">";
    add_unique(token_order_, value);
    return tokens_.emplace(std::string(value), std::move(placeholder)).first->second;
}

std::string capture_redactor::replace_known(std::string_view text) const {
    std::string out(text);
    for (const auto& t : token_order_)
        replace_all(out, t, tokens_.find(t)->second);
    for (const auto& p : passwords_)
        replace_all(out, p, password_placeholder);
    for (const auto& u : usernames_)
        replace_all(out, u, username_placeholder);
    return out;
}

std::string capture_redactor::redact(std::string_view text) {
    document doc;
    if (!parse_bounded(doc, text, max_frame_depth))
        return replace_known(text);
    // Tokens are numbered in the order they appear, before any string is rewritten, so a
    // token that is also quoted elsewhere in the same message reads as its placeholder there.
    auto collect = [&](auto& self, const value& v) -> void {
        if (v.IsObject()) {
            for (const auto& m : v.GetObject()) {
                if (std::string_view(m.name.GetString(), m.name.GetStringLength()) == "token" &&
                    m.value.IsString() && m.value.GetStringLength() > 0)
                    token({m.value.GetString(), m.value.GetStringLength()});
                else
                    self(self, m.value);
            }
        } else if (v.IsArray()) {
            for (const auto& e : v.GetArray())
                self(self, e);
        }
    };
    collect(collect, doc);
    auto& alloc = doc.GetAllocator();
    auto set = [&](value& v, std::string_view s) { v.SetString(s.data(), s.size(), alloc); };
    auto rewrite = [&](auto& self, value& v) -> void {
        if (v.IsString()) {
            const std::string_view s(v.GetString(), v.GetStringLength());
            auto replaced = replace_known(s);
            if (replaced != s)
                set(v, replaced);
        } else if (v.IsArray()) {
            for (auto& e : v.GetArray())
                self(self, e);
        } else if (v.IsObject()) {
            for (auto& m : v.GetObject()) {
                const std::string_view key(m.name.GetString(), m.name.GetStringLength());
                if (m.value.IsString() && (key == "password" || key == "username" ||
                                           key == "user" || key == "token")) {
                    const std::string_view s(m.value.GetString(), m.value.GetStringLength());
                    if (key == "password")
                        set(m.value, password_placeholder);
                    else if (key == "token")
                        set(m.value, s.empty() ? s : std::string_view(token(s)));
                    else
                        set(m.value, username_placeholder);
                } else {
                    self(self, m.value);
                }
                auto name = replace_known(key);
                if (name != key)
                    set(m.name, name);
            }
        }
    };
    rewrite(rewrite, doc);
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    doc.Accept(writer);
    return {buffer.GetString(), buffer.GetSize()};
}

std::optional<std::string> capture_redactor::session_key(std::span<const std::uint8_t> bytes) {
    if (std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; }))
        return std::nullopt;
    std::vector<std::uint8_t> key(bytes.begin(), bytes.end());
    if (const auto it = keys_.find(key); it != keys_.end())
        return it->second;
    auto placeholder = "<session-key-" + std::to_string(key_base_ + keys_.size() + 1) + ">";
    keys_.emplace(std::move(key), placeholder);
    return placeholder;
}

} // namespace mg::protocol
