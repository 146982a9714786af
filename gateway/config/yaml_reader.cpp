#include "gateway/config/yaml_reader.hpp"

#include "gateway/config/duration.hpp"
#include "gateway/config/env.hpp"
#include "gateway/config/suggest.hpp"
#include "gateway/config/tls_files.hpp"
#include "gateway/protocol/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <stdexcept>

namespace mg::config::detail {
namespace {

constexpr std::size_t max_listed_choices = 6;

// Long values are cut in messages; the position already says where they are.
std::string in_quotes(std::string_view text) {
    constexpr std::size_t limit = 40;
    // Appended piece by piece: GCC 12 at -O3 warns falsely (-Wrestrict) about "'" + string.
    std::string quoted;
    quoted.reserve(std::min(text.size(), limit) + 5);
    quoted += '\'';
    quoted += text.substr(0, limit);
    if (text.size() > limit)
        quoted += "...";
    quoted += '\'';
    return quoted;
}

using protocol::lower;

} // namespace

std::string child_path(std::string_view parent, std::string_view key) {
    if (parent.empty())
        return std::string(key);
    return std::string(parent) + "." + std::string(key);
}

std::string item_path(std::string_view parent, std::size_t index) {
    return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::string describe(const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Scalar:
        return in_quotes(node.Scalar());
    case YAML::NodeType::Sequence:
        return "a list";
    case YAML::NodeType::Map:
        return "a map";
    default:
        return "nothing";
    }
}

reader::reader(std::string file_name, const env_lookup& env, const file_reader& read_file)
    : file_name_(std::move(file_name)),
      base_dir_(std::filesystem::path(file_name_).parent_path().string()), env_(env),
      read_file_(read_file) {}

void reader::fail(const YAML::Mark& mark, std::string_view path, std::string_view message) const {
    // Marks are 0-based; a node without a position (an empty document) is reported at its start.
    const int line = mark.line < 0 ? 1 : mark.line + 1;
    const int column = mark.column < 0 ? 1 : mark.column + 1;
    std::string what =
        file_name_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": error: ";
    if (!path.empty())
        what.append(path).append(": ");
    what.append(message);
    throw config_error(what);
}

std::string reader::text(const field& f) const {
    if (!f.node.IsScalar())
        fail(f, "expected a string, found " + describe(f.node));
    try {
        return expand_env(f.node.Scalar(), env_);
    } catch (const std::invalid_argument& e) {
        fail(f, e.what());
    }
}

std::string reader::non_empty_text(const field& f) const {
    auto value = text(f);
    if (value.empty())
        fail(f, "must not be empty");
    return value;
}

bool reader::boolean(const field& f) const {
    if (f.node.IsScalar()) {
        const auto value = lower(text(f));
        if (value == "true")
            return true;
        if (value == "false")
            return false;
    }
    fail(f, "expected true or false, found " + describe(f.node));
}

long long reader::integer(const field& f, long long min, long long max,
                          std::string_view expected) const {
    if (f.node.IsScalar()) {
        const auto value = text(f);
        long long number = 0;
        const auto* end = value.data() + value.size();
        const auto [ptr, ec] = std::from_chars(value.data(), end, number);
        if (!value.empty() && ec == std::errc{} && ptr == end && number >= min && number <= max)
            return number;
        fail(f, "expected " + std::string(expected) + ", found " + in_quotes(value));
    }
    fail(f, "expected " + std::string(expected) + ", found " + describe(f.node));
}

duration reader::duration_at_least(const field& f, duration min) const {
    if (!f.node.IsScalar())
        fail(f, "expected a duration like 500ms, 10s, 5m or 1h, found " + describe(f.node));
    const auto value = text(f);
    duration result{};
    try {
        result = parse_duration(value);
    } catch (const std::invalid_argument& e) {
        fail(f, std::string(e.what()) + ", found " + in_quotes(value));
    }
    if (result < min)
        fail(f, "must be at least " + format_duration(min));
    return result;
}

std::string reader::one_of(const field& f, std::span<const std::string_view> choices,
                           std::string_view what) const {
    if (!f.node.IsScalar())
        fail(f, "expected a " + std::string(what) + " name, found " + describe(f.node));
    const auto value = text(f);
    if (std::find(choices.begin(), choices.end(), value) != choices.end())
        return value;
    auto hint = did_you_mean(value, choices);
    // A short list is worth showing in full when no single choice stands out.
    if (hint.empty() && choices.size() <= max_listed_choices) {
        hint = " (expected ";
        for (std::size_t i = 0; i < choices.size(); ++i)
            hint.append(i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ").append(choices[i]);
        hint += ")";
    }
    fail(f, "unknown " + std::string(what) + " " + in_quotes(value) + hint);
}

std::vector<field> reader::items(const field& f, std::string_view expected) const {
    if (!f.node.IsSequence())
        fail(f, "expected " + std::string(expected) + ", found " + describe(f.node));
    std::vector<field> out;
    out.reserve(f.node.size());
    for (auto it = f.node.begin(); it != f.node.end(); ++it) {
        const YAML::Node item = *it;
        // An empty item has no position of its own; yaml-cpp reports the next token's.
        out.push_back({item, item_path(f.path, out.size()), item.IsNull() ? f.mark : item.Mark()});
    }
    return out;
}

std::string reader::file_path(const field& f) const {
    const auto path = non_empty_text(f);
    if (base_dir_.empty() || std::filesystem::path(path).is_absolute())
        return path;
    return (std::filesystem::path(base_dir_) / path).string();
}

std::string reader::file_contents(const field& f) const {
    const auto path = file_path(f);
    auto contents = read_file_(path);
    if (!contents)
        fail(f, "cannot read file '" + path + "'");
    return std::move(*contents);
}

std::string reader::ca_file(const field& f) const {
    if (const auto problem = ca_file_problem(file_contents(f)))
        fail(f, "'" + file_path(f) + "' " + *problem);
    return file_path(f);
}

void reader::check_key_pair(const field& cert, const field& key) const {
    const auto problem = client_key_pair_problem(file_contents(cert), file_contents(key));
    if (!problem)
        return;
    const auto& at = problem->in_key ? key : cert;
    fail(at, "'" + file_path(at) + "' " + problem->message);
}

map_reader::map_reader(const reader& in, const field& f, std::span<const std::string_view> keys)
    : in_(in), self_(f) {
    if (!f.node.IsMap())
        in.fail(f, "expected a map, found " + describe(f.node));
    for (auto it = f.node.begin(); it != f.node.end(); ++it) {
        const YAML::Node key = it->first;
        const YAML::Node value = it->second;
        if (!key.IsScalar())
            in.fail(key.Mark(), f.path, "keys must be plain names, found " + describe(key));
        const std::string name = key.Scalar();
        const auto path = child_path(f.path, name);
        if (name == "<<")
            in.fail(key.Mark(), path, "merge keys ('<<') are not supported; repeat the settings");
        if (std::find(keys.begin(), keys.end(), name) == keys.end())
            in.fail(key.Mark(), path, "unknown key " + in_quotes(name) + did_you_mean(name, keys));
        if (const auto* first = find(name))
            in.fail(key.Mark(), path,
                    "duplicate key " + in_quotes(name) + " (first given on line " +
                        std::to_string(first->key_mark.line + 1) + ")");
        // An empty value has no position of its own; yaml-cpp reports the next token's.
        const auto mark = value.IsNull() ? key.Mark() : value.Mark();
        entries_.push_back({name, key.Mark(), {value, path, mark}});
    }
}

const map_reader::entry* map_reader::find(std::string_view key) const {
    const auto it = std::find_if(entries_.begin(), entries_.end(),
                                 [&](const entry& e) { return e.name == key; });
    return it == entries_.end() ? nullptr : &*it;
}

std::optional<field> map_reader::get(std::string_view key) const {
    if (const auto* e = find(key))
        return e->value;
    return std::nullopt;
}

field map_reader::require(std::string_view key) const {
    if (const auto* e = find(key))
        return e->value;
    in_.fail(self_.mark, child_path(self_.path, key), "missing required key " + in_quotes(key));
}

YAML::Mark map_reader::key_mark(std::string_view key) const {
    if (const auto* e = find(key))
        return e->key_mark;
    return self_.mark;
}

} // namespace mg::config::detail
