#pragma once
// The loader's view of the YAML tree. Every value travels with its path and position, so that
// any check anywhere can report `FILE:LINE:COLUMN: error: PATH: message`. Internal to this layer.

#include "gateway/config/load.hpp"
#include "gateway/config/site_config.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace mg::config::detail {

struct field {
    YAML::Node node;
    std::string path; // like controllers[1].url
    YAML::Mark mark;
};

std::string child_path(std::string_view parent, std::string_view key);
std::string item_path(std::string_view parent, std::size_t index);

// How a node looks, for "expected X, found Y": 'text', a list, a map, nothing.
std::string describe(const YAML::Node& node);

class reader {
public:
    reader(std::string file_name, const env_lookup& env, const file_reader& read_file);

    [[noreturn]] void fail(const YAML::Mark& mark, std::string_view path,
                           std::string_view message) const;
    [[noreturn]] void fail(const field& at, std::string_view message) const {
        fail(at.mark, at.path, message);
    }

    // Any scalar, with `${NAME}` expanded. Errors never quote the value: it may be a secret.
    std::string text(const field& f) const;
    // As text, and refuses an empty result.
    std::string non_empty_text(const field& f) const;
    bool boolean(const field& f) const;
    // A whole number in [min, max]; `expected` completes "expected ..." in the error.
    long long integer(const field& f, long long min, long long max,
                      std::string_view expected) const;
    duration duration_at_least(const field& f, duration min) const;
    // One of choices, with a did-you-mean hint; `what` names the kind, like "channel".
    std::string one_of(const field& f, std::span<const std::string_view> choices,
                       std::string_view what) const;
    // The items of a sequence; `expected` completes "expected ..." for anything else.
    std::vector<field> items(const field& f, std::string_view expected) const;
    // A file name, relative ones taken from the site file's folder as a user would expect.
    std::string file_path(const field& f) const;
    // Contents of the file the field names.
    std::string file_contents(const field& f) const;
    // A CA file, loaded into a TLS context now as a connection will load it, so that a file
    // that cannot serve shows up in `--check` rather than at the first connection. Its path.
    std::string ca_file(const field& f) const;
    // A client certificate and its key, loaded together the same way; a problem is reported
    // at the field of the file at fault.
    void check_key_pair(const field& cert, const field& key) const;

private:
    std::string file_name_;
    std::string base_dir_;
    const env_lookup& env_;
    const file_reader& read_file_;
};

// A YAML map checked against the keys it may hold: unknown keys (with a hint), duplicate keys and
// non-text keys are refused when it is built.
class map_reader {
public:
    map_reader(const reader& in, const field& f, std::span<const std::string_view> keys);

    std::optional<field> get(std::string_view key) const;
    // Missing keys are reported at the enclosing map.
    field require(std::string_view key) const;
    // Where the key itself is written, for errors about the key rather than its value.
    YAML::Mark key_mark(std::string_view key) const;
    const field& self() const { return self_; }

private:
    struct entry {
        std::string name;
        YAML::Mark key_mark;
        field value;
    };
    const entry* find(std::string_view key) const;

    const reader& in_;
    field self_;
    std::vector<entry> entries_;
};

} // namespace mg::config::detail
