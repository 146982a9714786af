#pragma once
// Takes the secrets out of controller traffic before it is written to a capture file
// (docs/capture-format.md): passwords and usernames become "<password>" and "<username>",
// every token "<token-N>" and every non-zero session key "<session-key-N>", numbered in the
// order they first appear, so the same secret always reads the same and a change stays visible.
// Pure: no I/O, no clock. One redactor per capture file.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mg::protocol {

class capture_redactor {
public:
    // The configured credentials of one controller; either may be empty.
    void add_credentials(std::string_view username, std::string_view password);

    // A frame's text or an HTTP body or path: JSON is parsed, redacted and written back
    // compact; anything else keeps its form with every known secret replaced where it occurs.
    std::string redact(std::string_view text);

    // Only the literal replacement of known secrets (tokens, passwords, usernames).
    std::string replace_known(std::string_view text) const;

    // A binary frame from the controller: its "<session-key-N>", or nothing when every byte is
    // zero (an expired session, kept as it is because it carries meaning).
    std::optional<std::string> session_key(std::span<const std::uint8_t> bytes);

    // The placeholder of a token, numbering it on first sight.
    const std::string& token(std::string_view value);

    // Appending to a capture that already numbered this many tokens and session keys: new
    // ones continue from there, so one placeholder never stands for two secrets in a file.
    void continue_numbering(std::size_t tokens, std::size_t session_keys) {
        token_base_ = tokens;
        key_base_ = session_keys;
    }

private:
    std::vector<std::string> passwords_;
    std::vector<std::string> usernames_;
    std::map<std::string, std::string, std::less<>> tokens_;
    std::vector<std::string> token_order_; // longest first when replacing, see replace_known
    std::map<std::vector<std::uint8_t>, std::string> keys_;
    std::size_t token_base_ = 0;
    std::size_t key_base_ = 0;
};

} // namespace mg::protocol
