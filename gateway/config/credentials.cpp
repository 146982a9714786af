#include "gateway/config/sections.hpp"

namespace mg::config::detail {

credentials read_credentials(const reader& in, const map_reader& map, username_rule rule) {
    const auto username = map.get("username");
    const auto password = map.get("password");
    const auto password_file = map.get("password_file");
    // Errors about secrets point at the key, and never quote the value.
    if (password && password_file)
        in.fail(map.key_mark("password_file"), password_file->path,
                "give either password or password_file, not both");
    const bool has_password = password || password_file;
    if (has_password && !username) {
        const auto key = password ? "password" : "password_file";
        in.fail(map.key_mark(key), password ? password->path : password_file->path,
                "a password needs a username");
    }
    if (username && !has_password && rule == username_rule::password_required)
        in.fail(*username, "a username needs a password or password_file");

    credentials out;
    if (username)
        out.username = in.non_empty_text(*username);
    if (password) {
        out.password = in.text(*password);
        if (out.password.empty())
            in.fail(map.key_mark("password"), password->path, "must not be empty");
    } else if (password_file) {
        out.password = in.file_contents(*password_file);
        // Files written by `echo` or an editor end in a newline that is no part of the password.
        while (!out.password.empty() &&
               (out.password.back() == '\n' || out.password.back() == '\r'))
            out.password.pop_back();
        if (out.password.empty())
            in.fail(*password_file, "the password file is empty");
    }
    return out;
}

} // namespace mg::config::detail
