#pragma once
// `--capture FILE`: the redacted transcript of every controller's traffic, one JSON line per
// event (docs/capture-format.md), appended to FILE and flushed line by line so a crash keeps
// what was written. Bounded by `--capture-max`: the line that would pass the bound is replaced by
// a final capture_stopped line and capturing stops, logged once.

#include "gateway/config/site_config.hpp"
#include "gateway/protocol/capture_redactor.hpp"
#include "gateway/protocol/traffic.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mg::service {

inline constexpr std::uint64_t default_capture_max = 64ull * 1024 * 1024;

class capture_file {
public:
    // Opens FILE for appending; throws std::runtime_error naming the file when it cannot.
    capture_file(std::string path, std::uint64_t max_bytes);
    ~capture_file();
    capture_file(const capture_file&) = delete;
    capture_file& operator=(const capture_file&) = delete;

    // The credentials of every controller of `site` are replaced from now on (called again
    // after a reload, so new ones are known too).
    void add_credentials(const config::site_config& site);

    void record(const protocol::traffic& event);

    // An observer for the session layer that keeps this file alive.
    static protocol::traffic_observer observer(std::shared_ptr<capture_file> file);

    bool stopped() const { return stopped_; }

private:
    double elapsed() const;
    void continue_earlier_capture();
    bool write(const std::string& line);

    std::string path_;
    std::uint64_t max_bytes_;
    std::uint64_t size_ = 0;
    std::FILE* file_ = nullptr;
    std::chrono::steady_clock::time_point began_ = std::chrono::steady_clock::now();
    double offset_ = 0; // the last time of an earlier capture in the same file
    protocol::capture_redactor redactor_;
    bool stopped_ = false;
};

// `64MiB`, `10MB`, `512k`, `1000000` (bytes): K, M, G and KiB, MiB, GiB count in 1024s; kB, MB,
// GB in 1000s. Nothing when the text is not a size.
std::optional<std::uint64_t> parse_size(std::string_view text);

} // namespace mg::service
