#pragma once
// Reads the JSON body of one HTTP control call, strictly: a member that is not expected, a null,
// a wrong type or a value out of range throws bad_call, which the controller answers with 400.

#include <initializer_list>
#include <optional>
#include <rapidjson/document.h>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mg::sim {

struct bad_call : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class control_body {
public:
    // An empty body reads as {} (beacon toggle has none).
    explicit control_body(std::string_view text);

    const rapidjson::Value& value() const { return doc_; }
    bool has(std::string_view name) const;
    bool empty() const { return doc_.ObjectEmpty(); }

    // Every member must be one of `names` and none may be null.
    void only(std::initializer_list<std::string_view> names) const;

    std::optional<std::string_view> text(std::string_view name, bool required = false) const;
    std::optional<bool> flag(std::string_view name, bool required = false) const;
    // A non-negative integer (object numbers).
    std::optional<int> number(std::string_view name, bool required = false) const;
    // Non-negative seconds (fade, delay, time).
    std::optional<double> seconds(std::string_view name) const;
    // A level (fraction or bounded string) as a fraction 0.0-1.0.
    std::optional<double> level(std::string_view name, bool required = false) const;

private:
    const rapidjson::Value* find(std::string_view name, bool required) const;

    rapidjson::Document doc_;
};

} // namespace mg::sim
