#include "gateway/config/sections.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <set>

namespace mg::config::detail {
namespace {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Exactly the JSON number grammar, so that the text can be copied into the JSON unchanged.
bool is_json_number(std::string_view s) {
    std::size_t i = 0;
    const auto digits = [&] {
        const auto start = i;
        while (i < s.size() && is_digit(s[i]))
            ++i;
        return i > start;
    };
    if (i < s.size() && s[i] == '-')
        ++i;
    if (i < s.size() && s[i] == '0')
        ++i;
    else if (!digits())
        return false;
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (!digits())
            return false;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-'))
            ++i;
        if (!digits())
            return false;
    }
    return i == s.size();
}

// YAML 1.2 core schema spellings; any other plain scalar is a string.
void write_plain_scalar(json_writer& out, const std::string& text) {
    if (text == "true" || text == "True" || text == "TRUE")
        out.Bool(true);
    else if (text == "false" || text == "False" || text == "FALSE")
        out.Bool(false);
    else if (text == "null" || text == "Null" || text == "NULL" || text == "~")
        out.Null();
    else if (is_json_number(text))
        out.RawValue(text.data(), text.size(), rapidjson::kNumberType);
    else
        out.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void write_value(const reader& in, const field& f, json_writer& out);

void write_map(const reader& in, const field& f, json_writer& out) {
    out.StartObject();
    std::set<std::string> seen;
    for (auto it = f.node.begin(); it != f.node.end(); ++it) {
        const YAML::Node key = it->first;
        const YAML::Node value = it->second;
        if (!key.IsScalar())
            in.fail(key.Mark(), f.path,
                    "parameter names must be plain text, found " + describe(key));
        const std::string& name = key.Scalar();
        const auto path = child_path(f.path, name);
        if (!seen.insert(name).second)
            in.fail(key.Mark(), path, "duplicate parameter '" + name + "'");
        out.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
        write_value(in, {value, path, value.IsNull() ? key.Mark() : value.Mark()}, out);
    }
    out.EndObject();
}

void write_value(const reader& in, const field& f, json_writer& out) {
    switch (f.node.Type()) {
    case YAML::NodeType::Map:
        write_map(in, f, out);
        return;
    case YAML::NodeType::Sequence:
        out.StartArray();
        for (const auto& item : in.items(f, "a list"))
            write_value(in, item, out);
        out.EndArray();
        return;
    case YAML::NodeType::Scalar: {
        const auto text = in.text(f);
        // Quoted or explicitly tagged scalars are strings whatever they look like: "5" stays "5".
        if (f.node.Tag() == "?")
            write_plain_scalar(out, text);
        else
            out.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
        return;
    }
    default:
        out.Null();
        return;
    }
}

} // namespace

std::string read_params(const reader& in, const field& f) {
    if (!f.node.IsMap())
        in.fail(f, "expected a map of request parameters, found " + describe(f.node));
    rapidjson::StringBuffer buffer;
    json_writer out(buffer);
    write_map(in, f, out);
    return {buffer.GetString(), buffer.GetSize()};
}

} // namespace mg::config::detail
