#include "gateway/features/commands.hpp"

#include "gateway/protocol/json_access.hpp"
#include "gateway/protocol/json_limits.hpp"
#include "gateway/protocol/text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <span>
#include <vector>

namespace mg::features {
namespace {

// Thrown inside the parser only; parse_command turns it into an invalid_command.
struct refusal {
    std::string detail;
};

[[noreturn]] void refuse(std::string detail) {
    throw refusal{std::move(detail)};
}

// Bodies never carry invalid UTF-8, whatever came in.
using body_writer =
    rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>,
                      rapidjson::CrtAllocator, rapidjson::kWriteValidateEncodingFlag>;
constexpr unsigned parse_flags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
using words = std::span<const std::string_view>;

std::string_view trim(std::string_view text) {
    constexpr std::string_view space = " \t\r\n";
    const auto first = text.find_first_not_of(space);
    if (first == std::string_view::npos)
        return {};
    return text.substr(first, text.find_last_not_of(space) - first + 1);
}

using protocol::lower;

bool one_of(std::string_view value, words allowed) {
    return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

bool one_of(std::string_view value, std::initializer_list<std::string_view> allowed) {
    return one_of(value, words(allowed.begin(), allowed.size()));
}

std::string list(words all) {
    std::string out;
    for (const auto word : all)
        out.append(out.empty() ? "" : ", ").append(word);
    return out;
}

// The number in a topic: plain digits, nothing else.
std::uint64_t topic_number(std::string_view kind, std::string_view segment) {
    std::uint64_t value = 0;
    const auto end = segment.data() + segment.size();
    const auto [ptr, ec] = std::from_chars(segment.data(), end, value);
    if (segment.empty() || segment.size() > 9 || segment.front() == '-' || ec != std::errc{} ||
        ptr != end)
        refuse(std::string(kind) + " number '" + std::string(segment) + "' is not a number");
    return value;
}

// The payload as a JSON object, parsed without recursion and with its depth bounded.
rapidjson::Document json_object(std::string_view payload) {
    const auto text = trim(payload);
    if (!protocol::nesting_within(text, protocol::max_payload_depth))
        refuse("JSON nested deeper than " + std::to_string(protocol::max_payload_depth) +
               " levels");
    rapidjson::Document doc;
    doc.Parse<parse_flags>(text.data(), text.size());
    if (doc.HasParseError())
        refuse(std::string("not valid JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()));
    if (!doc.IsObject())
        refuse("payload must be a JSON object");
    return doc;
}

bool is_json(std::string_view payload) {
    const auto text = trim(payload);
    return !text.empty() && (text.front() == '{' || text.front() == '[' || text.front() == '"');
}

// A field the command gave; null counts as not given, so it is never forwarded.
const rapidjson::Value* given(const rapidjson::Value& object, const char* name) {
    const auto it = object.FindMember(name);
    return it == object.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
}

std::string number_text(const rapidjson::Value& number) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    number.Accept(w);
    return {buffer.GetString(), buffer.GetSize()};
}

void write_string(body_writer& w, std::string_view text, std::string_view what) {
    // RapidJSON's encoding check reads a multi-byte sequence to its end (up to three bytes)
    // whatever the length says, so a sequence cut off at the end reads past the text: the
    // check runs on a copy with room behind it.
    std::string padded(text);
    padded.append(4, '\0');
    if (!w.String(padded.data(), static_cast<rapidjson::SizeType>(text.size())))
        refuse(std::string(what) + " is not valid UTF-8");
}

double non_negative(const rapidjson::Value& v, const char* name) {
    if (!v.IsNumber() || v.GetDouble() < 0)
        refuse(std::string("'") + name + "' must be a number of seconds, 0 or more");
    return v.GetDouble();
}

// Copies one optional field after checking its type; the API answers 400 to a wrong one.
void copy_field(body_writer& w, const rapidjson::Value& object, const char* name) {
    const auto* v = given(object, name);
    if (!v)
        return;
    const std::string_view key(name);
    if (key == "fade" || key == "delay" || key == "time") {
        non_negative(*v, name);
    } else if (key == "group") {
        if (!v->IsString() && !v->IsUint64())
            refuse("'group' must be a playback group name or number");
    } else if (key == "same_group" || key == "conditions") {
        if (!v->IsBool())
            refuse(std::string("'") + name + "' must be true or false");
    } else if (key == "flag" || key == "var") {
        if (!v->IsString())
            refuse(std::string("'") + name + "' must be a string");
    } else if (key == "rate" || key == "position") {
        // Strings as the API takes them ("0.5", "1:3"); a plain number is sent as its text.
        if (v->IsNumber() && v->GetDouble() >= 0) {
            w.Key(name);
            const auto text = number_text(*v);
            return write_string(w, text, name);
        }
        if (!v->IsString())
            refuse(std::string("'") + name + "' must be a number or a string such as \"1:2\"");
    }
    w.Key(name);
    if (v->IsString())
        write_string(w, {v->GetString(), v->GetStringLength()}, std::string("'") + name + "'");
    else
        v->Accept(w);
}

struct body {
    rapidjson::StringBuffer buffer;
    body_writer w{buffer};
    body() { w.StartObject(); }
    std::string text() {
        w.EndObject();
        return {buffer.GetString(), buffer.GetSize()};
    }
};

protocol::http_call call(std::string method, std::string path, std::string body_text) {
    return {std::move(method), std::move(path), std::move(body_text)};
}

// ---- timelines and scenes -------------------------------------------------------------------

struct playback {
    std::string_view kind;            // "timeline" or "scene"
    std::optional<std::uint64_t> num; // empty: every timeline or scene
    words actions;
    std::span<const char* const> fields; // forwarded besides action and num
};

constexpr std::array<std::string_view, 8> timeline_actions{
    "start",    "start_release_others", "release", "toggle", "pause", "resume",
    "set_rate", "set_position"};
constexpr std::array<const char*, 7> timeline_fields{"fade", "rate",  "position",  "time",
                                                     "flag", "group", "same_group"};
constexpr std::array<std::string_view, 3> all_timelines_actions{"release", "pause", "resume"};
constexpr std::array<std::string_view, 4> scene_actions{"start", "start_release_others", "release",
                                                        "toggle"};
constexpr std::array<const char*, 3> scene_fields{"fade", "group", "same_group"};
constexpr std::array<std::string_view, 1> all_scenes_actions{"release"};
constexpr std::array<const char*, 2> all_fields{"group", "fade"};

// Plain words and JSON actions alike: case-insensitive, ON = start, OFF = release.
std::string playback_action(std::string_view word, const playback& p) {
    auto action = lower(word);
    if (action == "on")
        action = "start";
    else if (action == "off")
        action = "release";
    if (!one_of(action, p.actions)) {
        if (!p.num && one_of(action, {"start", "toggle", "start_release_others"}))
            refuse("'" + std::string(word) + "' needs a " + std::string(p.kind) + " number: use " +
                   std::string(p.kind) + "/<num>/set");
        refuse("unknown " + std::string(p.kind) + " action '" + std::string(word) + "' (one of " +
               list(p.actions) + ")");
    }
    return action;
}

// set_rate and set_position take the value they set, and nothing else does.
void check_timeline_values(const std::string& action, const rapidjson::Value& object) {
    const bool rate = given(object, "rate");
    const int positions =
        !!given(object, "position") + !!given(object, "time") + !!given(object, "flag");
    if (action == "set_rate" && !rate)
        refuse("set_rate needs 'rate'");
    if (action != "set_rate" && rate)
        refuse("'rate' goes with set_rate only");
    if (action == "set_position" && positions != 1)
        refuse("set_position needs exactly one of 'position', 'time' or 'flag'");
    if (action != "set_position" && positions)
        refuse("'position', 'time' and 'flag' go with set_position only");
}

command playback_command(std::string_view payload, const playback& p) {
    body b;
    std::string action;
    if (is_json(payload)) {
        const auto doc = json_object(payload);
        const auto* given_action = given(doc, "action");
        if (!given_action || !given_action->IsString())
            refuse("the JSON object needs an 'action' string");
        action = playback_action({given_action->GetString(), given_action->GetStringLength()}, p);
        if (p.kind == "timeline")
            check_timeline_values(action, doc);
        // Dropping it would act on every one of them.
        if (!p.num && given(doc, "num"))
            refuse("put the number in the topic: " + std::string(p.kind) + "/<num>/set");
        b.w.Key("action");
        b.w.String(action.data(), static_cast<rapidjson::SizeType>(action.size()));
        if (p.num) {
            b.w.Key("num");
            b.w.Uint64(*p.num);
        }
        for (const auto* field : p.fields)
            copy_field(b.w, doc, field);
    } else {
        const auto word = trim(payload);
        if (word.empty())
            refuse("empty payload: give an action (one of " + list(p.actions) + ")");
        action = playback_action(word, p);
        if (one_of(action, {"set_rate", "set_position"}))
            refuse(action + " needs a JSON object with its value");
        b.w.Key("action");
        b.w.String(action.data(), static_cast<rapidjson::SizeType>(action.size()));
        if (p.num) {
            b.w.Key("num");
            b.w.Uint64(*p.num);
        }
    }
    return {action, call("POST", "/api/" + std::string(p.kind), b.text())};
}

// ---- levels: groups and content targets -----------------------------------------------------

double percent_in_range(double level) {
    if (!std::isfinite(level) || level < 0 || level > 100)
        refuse("level must be 0-100");
    return level;
}

// "40", "37.5": digits with at most one point, no sign or exponent.
std::optional<double> decimal(std::string_view text) {
    if (text.empty() || text.find_first_not_of("0123456789.") != std::string_view::npos ||
        std::count(text.begin(), text.end(), '.') > 1 || text == ".")
        return std::nullopt;
    double value = 0;
    const auto end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end)
        return std::nullopt;
    return value;
}

// Writes level, fade and delay for a master intensity call.
void level_fields(body_writer& w, std::string_view payload, std::optional<double> last_non_zero) {
    double level = 0;
    rapidjson::Document doc;
    const auto text = trim(payload);
    const auto word = lower(text);
    if (is_json(payload)) {
        doc = json_object(payload);
        const auto* v = given(doc, "level");
        if (!v)
            refuse("the JSON object needs a 'level' 0-100");
        if (!v->IsNumber())
            refuse("'level' must be a number 0-100");
        level = percent_in_range(v->GetDouble());
    } else if (word == "on") {
        level = last_non_zero.value_or(100.0);
    } else if (word == "off") {
        level = 0;
    } else if (const auto value = decimal(text)) {
        level = percent_in_range(*value);
    } else {
        refuse("level must be 0-100, ON, OFF or a JSON object with 'level'");
    }
    w.Key("level");
    const auto bounded = bounded_level(level);
    w.String(bounded.data(), static_cast<rapidjson::SizeType>(bounded.size()));
    if (doc.IsObject()) {
        copy_field(w, doc, "fade");
        copy_field(w, doc, "delay");
    }
}

command group_command(std::uint64_t num, std::string_view payload, const command_context& known) {
    body b;
    b.w.Key("action");
    b.w.String("master_intensity");
    b.w.Key("num");
    b.w.Uint64(num);
    const auto last = known.group_levels.find(num);
    level_fields(b.w, payload,
                 last == known.group_levels.end() ? std::nullopt : std::optional(last->second));
    return {"master_intensity", call("POST", "/api/group", b.text())};
}

command content_target_command(std::string_view name, std::string_view payload,
                               const command_context& known) {
    const auto type = content_target_type(name);
    body b;
    b.w.Key("action");
    b.w.String("master_intensity");
    b.w.Key("type");
    write_string(b.w, type, "the content target name");
    const auto last = known.target_levels.find(type);
    level_fields(b.w, payload,
                 last == known.target_levels.end() ? std::nullopt : std::optional(last->second));
    return {"master_intensity", call("POST", "/api/content_target", b.text())};
}

// ---- triggers, text slots, beacon -----------------------------------------------------------

command trigger_command(std::uint64_t num, std::string_view payload) {
    body b;
    b.w.Key("num");
    b.w.Uint64(num);
    const auto text = trim(payload);
    // PRESS is what a Home Assistant button sends.
    if (is_json(payload)) {
        const auto doc = json_object(payload);
        copy_field(b.w, doc, "var");
        copy_field(b.w, doc, "conditions");
    } else if (!text.empty() && lower(text) != "press") {
        refuse("payload must be empty, PRESS or a JSON object with 'var' and 'conditions'");
    }
    return {"fire", call("POST", "/api/trigger", b.text())};
}

command text_slot_command(std::string_view name, std::string_view payload) {
    body b;
    b.w.Key("name");
    write_string(b.w, name, "the text slot name");
    b.w.Key("value");
    write_string(b.w, payload, "the text");
    return {"set", call("PUT", "/api/text_slot", b.text())};
}

command beacon_command(std::string_view payload, const command_context& known) {
    const auto word = lower(trim(payload));
    if (word == "toggle")
        return {"toggle", call("POST", "/api/beacon", "")};
    if (word != "on" && word != "off")
        refuse("beacon takes ON, OFF or toggle");
    // The API only toggles: call it only when the state differs. Never seen counts as off,
    // the state a controller starts in.
    const bool wanted = word == "on";
    if (known.beacon.value_or(false) == wanted)
        return {word, std::nullopt};
    return {word, call("POST", "/api/beacon", "")};
}

std::vector<std::string_view> segments(std::string_view suffix) {
    std::vector<std::string_view> out;
    for (;;) {
        const auto slash = suffix.find('/');
        out.push_back(suffix.substr(0, slash));
        if (slash == std::string_view::npos)
            return out;
        suffix.remove_prefix(slash + 1);
    }
}

command parse(std::string_view suffix, std::string_view payload, const command_context& known) {
    if (payload.size() > protocol::max_payload_bytes)
        refuse("payload over " + std::to_string(protocol::max_payload_bytes / 1024) + " KiB");
    const auto parts = segments(suffix);
    if (parts.size() < 2 || parts.back() != "set" || parts.size() > 3)
        refuse("no command topic " + std::string(suffix));
    const auto kind = parts[0];
    if (parts.size() == 2) {
        if (kind == "timeline")
            return playback_command(payload,
                                    {"timeline", std::nullopt, all_timelines_actions, all_fields});
        if (kind == "scene")
            return playback_command(payload,
                                    {"scene", std::nullopt, all_scenes_actions, all_fields});
        if (kind == "beacon")
            return beacon_command(payload, known);
        refuse("no command topic " + std::string(suffix));
    }
    const auto target = parts[1];
    if (kind == "timeline")
        return playback_command(
            payload, {"timeline", topic_number(kind, target), timeline_actions, timeline_fields});
    if (kind == "scene")
        return playback_command(payload,
                                {"scene", topic_number(kind, target), scene_actions, scene_fields});
    if (kind == "group")
        return group_command(topic_number(kind, target), payload, known);
    if (kind == "trigger")
        return trigger_command(topic_number(kind, target), payload);
    if (target.empty())
        refuse(std::string(kind) + " name missing in the topic");
    if (kind == "content_target")
        return content_target_command(target, payload, known);
    if (kind == "text_slot")
        return text_slot_command(target, payload);
    refuse("no command topic " + std::string(suffix));
}

using protocol::member;

// A list member of a reply, or the object itself for a single-object broadcast.
template <typename F> void each(const rapidjson::Value& data, const char* list, F&& f) {
    const auto* items = member(data, list);
    if (items && items->IsArray()) {
        for (const auto& item : items->GetArray())
            f(item);
    } else if (data.IsArray()) {
        for (const auto& item : data.GetArray())
            f(item);
    } else if (data.IsObject()) {
        f(data);
    }
}

std::optional<double> positive_level(const rapidjson::Value& item) {
    const auto* level = member(item, "level");
    if (!level || !level->IsNumber() || !(level->GetDouble() > 0))
        return std::nullopt;
    return std::min(level->GetDouble(), 100.0);
}

} // namespace

std::variant<command, invalid_command>
parse_command(std::string_view suffix, std::string_view payload, const command_context& known) {
    try {
        return parse(suffix, payload, known);
    } catch (refusal& r) {
        return invalid_command{std::move(r.detail)};
    }
}

void command_context::learn(std::string_view channel, const rapidjson::Value& data) {
    if (channel == "group") {
        each(data, "groups", [&](const rapidjson::Value& g) {
            const auto* num = member(g, "num");
            // The All Fixtures group may carry no number; it is group 0.
            if (num && !num->IsUint64())
                return;
            if (const auto level = positive_level(g))
                group_levels[num ? num->GetUint64() : 0] = *level;
        });
    } else if (channel == "content_target") {
        each(data, "content_targets", [&](const rapidjson::Value& t) {
            const auto* name = member(t, "name");
            const auto level = positive_level(t);
            if (name && name->IsString() && level)
                target_levels[content_target_type({name->GetString(), name->GetStringLength()})] =
                    *level;
        });
    } else if (channel == "beacon") {
        if (const auto* on = member(data, "on"); on && on->IsBool())
            beacon = on->GetBool();
    }
}

std::string content_target_type(std::string_view name) {
    auto type = lower(name);
    std::replace(type.begin(), type.end(), ' ', '_');
    return type;
}

std::string bounded_level(double percent) {
    const auto hundredths = std::llround(std::clamp(percent, 0.0, 100.0) * 100.0);
    if (hundredths % 100 == 0)
        return std::to_string(hundredths / 100) + ":100";
    if (hundredths % 10 == 0)
        return std::to_string(hundredths / 10) + ":1000";
    return std::to_string(hundredths) + ":10000";
}

} // namespace mg::features
