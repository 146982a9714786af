#include "gateway/sim/control_body.hpp"

#include "gateway/sim/control_values.hpp"
#include "gateway/sim/json.hpp"

#include <algorithm>
#include <climits>
#include <cmath>

namespace mg::sim {
namespace {

std::string quoted(std::string_view name) {
    return "'" + std::string(name) + "'";
}

} // namespace

control_body::control_body(std::string_view text) {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        text = "{}";
    // Iterative: a hostile body of nested arrays must not exhaust the stack.
    doc_.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
    if (doc_.HasParseError() || !doc_.IsObject())
        throw bad_call("the body must be a JSON object");
}

bool control_body::has(std::string_view name) const {
    return json::member(doc_, name) != nullptr;
}

void control_body::only(std::initializer_list<std::string_view> names) const {
    for (const auto& m : doc_.GetObject()) {
        const std::string_view name{m.name.GetString(), m.name.GetStringLength()};
        if (std::find(names.begin(), names.end(), name) == names.end())
            throw bad_call("unexpected attribute " + quoted(name));
        if (m.value.IsNull())
            throw bad_call(quoted(name) + " must not be null; leave it out instead");
    }
}

const rapidjson::Value* control_body::find(std::string_view name, bool required) const {
    const auto* v = json::member(doc_, name);
    if (v == nullptr && required)
        throw bad_call(quoted(name) + " is required");
    if (v != nullptr && v->IsNull())
        throw bad_call(quoted(name) + " must not be null; leave it out instead");
    return v;
}

std::optional<std::string_view> control_body::text(std::string_view name, bool required) const {
    const auto* v = find(name, required);
    if (v == nullptr)
        return std::nullopt;
    if (!v->IsString())
        throw bad_call(quoted(name) + " must be a string");
    return std::string_view{v->GetString(), v->GetStringLength()};
}

std::optional<bool> control_body::flag(std::string_view name, bool required) const {
    const auto* v = find(name, required);
    if (v == nullptr)
        return std::nullopt;
    if (!v->IsBool())
        throw bad_call(quoted(name) + " must be true or false");
    return v->GetBool();
}

std::optional<int> control_body::number(std::string_view name, bool required) const {
    const auto* v = find(name, required);
    if (v == nullptr)
        return std::nullopt;
    if (!v->IsInt64() || v->GetInt64() < 0 || v->GetInt64() > INT_MAX)
        throw bad_call(quoted(name) + " must be a non-negative integer");
    return static_cast<int>(v->GetInt64());
}

std::optional<double> control_body::seconds(std::string_view name) const {
    const auto* v = find(name, false);
    if (v == nullptr)
        return std::nullopt;
    if (!v->IsNumber() || !std::isfinite(v->GetDouble()) || v->GetDouble() < 0)
        throw bad_call(quoted(name) + " must be a non-negative number of seconds");
    return v->GetDouble();
}

std::optional<double> control_body::level(std::string_view name, bool required) const {
    const auto* v = find(name, required);
    if (v == nullptr)
        return std::nullopt;
    const auto fraction = parse_level(*v);
    if (!fraction)
        throw bad_call(quoted(name) +
                       R"( must be a number 0.0-1.0 or a string "n:max" (0 <= n <= max))");
    return fraction;
}

} // namespace mg::sim
