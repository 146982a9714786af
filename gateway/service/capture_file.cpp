#include "gateway/service/capture_file.hpp"

#include "gateway/protocol/capture_line.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <rapidjson/document.h>
#include <spdlog/spdlog.h>
#include <stdexcept>

namespace mg::service {
namespace {

// Room kept for the capture_stopped line, so the file never passes the bound.
constexpr std::uint64_t stopped_line_room = 256;

} // namespace

capture_file::capture_file(std::string path, std::uint64_t max_bytes)
    : path_(std::move(path)), max_bytes_(max_bytes) {
    file_ = std::fopen(path_.c_str(), "a");
    if (!file_)
        throw std::runtime_error("cannot open capture file " + path_ + ": " +
                                 std::strerror(errno));
    // Appending to an earlier capture: the bound is on the file, not on this run.
    if (std::fseek(file_, 0, SEEK_END) == 0)
        if (const auto at = std::ftell(file_); at > 0)
            size_ = static_cast<std::uint64_t>(at);
    if (size_ > 0)
        continue_earlier_capture();
    if (size_ + stopped_line_room >= max_bytes_) {
        stopped_ = true;
        spdlog::warn("capture file {} is already at --capture-max ({} bytes): nothing is captured",
                     path_, max_bytes_);
    }
}

capture_file::~capture_file() {
    if (file_)
        std::fclose(file_);
}

void capture_file::add_credentials(const config::site_config& site) {
    for (const auto& c : site.controllers)
        redactor_.add_credentials(c.username, c.password);
}

double capture_file::elapsed() const {
    return offset_ +
           std::chrono::duration<double>(std::chrono::steady_clock::now() - began_).count();
}

// A capture appended to another goes on from it: times keep rising (the pause between the runs
// is left out) and placeholders keep counting.
void capture_file::continue_earlier_capture() {
    std::ifstream in(path_);
    std::size_t tokens = 0;
    std::size_t keys = 0;
    const auto highest = [](const std::string& line, std::string_view prefix, std::size_t& top) {
        for (auto at = line.find(prefix); at != std::string::npos;
             at = line.find(prefix, at + 1)) {
            std::size_t n = 0;
            const auto* begin = line.data() + at + prefix.size();
            const auto [end, ec] = std::from_chars(begin, line.data() + line.size(), n);
            if (ec == std::errc{} && end != begin && *end == '>')
                top = std::max(top, n);
        }
    };
    for (std::string line; std::getline(in, line);) {
        highest(line, "<token-", tokens);
        highest(line, "<session-key-", keys);
        rapidjson::Document doc;
        doc.Parse(line.c_str());
        if (doc.IsObject() && doc.HasMember("t") && doc["t"].IsNumber())
            offset_ = std::max(offset_, doc["t"].GetDouble());
    }
    redactor_.continue_numbering(tokens, keys);
}

bool capture_file::write(const std::string& line) {
    if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() ||
        std::fputc('\n', file_) == EOF || std::fflush(file_) != 0) {
        spdlog::error("capture file {}: write failed ({}): capturing stopped", path_,
                      std::strerror(errno));
        stopped_ = true;
        return false;
    }
    size_ += line.size() + 1;
    return true;
}

void capture_file::record(const protocol::traffic& event) {
    if (stopped_)
        return;
    const auto seconds = elapsed();
    const auto line = protocol::capture_line(redactor_, seconds, event);
    if (size_ + line.size() + 1 + stopped_line_room <= max_bytes_) {
        write(line);
        return;
    }
    const auto reason = "size limit " + std::to_string(max_bytes_) + " bytes reached";
    write(protocol::capture_stopped_line(seconds, event.controller, reason));
    stopped_ = true;
    spdlog::warn("capture file {}: {} (--capture-max), capturing stopped", path_, reason);
}

protocol::traffic_observer capture_file::observer(std::shared_ptr<capture_file> file) {
    return [file = std::move(file)](const protocol::traffic& event) { file->record(event); };
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
    std::uint64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr == text.data())
        return std::nullopt;
    std::string unit(ptr, end);
    std::uint64_t factor = 1;
    if (unit.empty() || unit == "B")
        factor = 1;
    else if (unit == "K" || unit == "k" || unit == "KiB")
        factor = 1024;
    else if (unit == "M" || unit == "MiB")
        factor = 1024 * 1024;
    else if (unit == "G" || unit == "GiB")
        factor = 1024ull * 1024 * 1024;
    else if (unit == "kB" || unit == "KB")
        factor = 1000;
    else if (unit == "MB")
        factor = 1000 * 1000;
    else if (unit == "GB")
        factor = 1000ull * 1000 * 1000;
    else
        return std::nullopt;
    if (value > UINT64_MAX / factor)
        return std::nullopt;
    return value * factor;
}

} // namespace mg::service
