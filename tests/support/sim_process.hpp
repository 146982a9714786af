#pragma once
// A real mosaic-sim process for integration tests, with a client for its control API.

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <cstdint>
#include <functional>
#include <rapidjson/document.h>
#include <string>
#include <vector>

namespace mg::test {

class sim_process {
public:
    // `args` are extra command-line arguments (e.g. {"--controllers", "2"}).
    explicit sim_process(std::vector<std::string> args = {});
    ~sim_process();

    std::uint16_t port(std::size_t controller = 0) const { return ports_.at(controller); }
    const std::string& fingerprint() const { return fingerprint_; }
    std::string url(std::size_t controller = 0, std::string_view scheme = "ws") const;

    // Calls the control API; fails the test on a transport error. Returns the response body.
    std::string control(std::string_view method, std::string_view path, std::string_view body = {});
    // GET /stats, parsed; counters of one controller.
    rapidjson::Document stats();
    std::int64_t counter(std::size_t controller, const char* name);
    // How many requests of this name the controller received.
    std::int64_t requests(std::size_t controller, const char* request);
    // Waits until at least `count` such requests arrived; returns the last count seen.
    std::int64_t wait_requests(std::size_t controller, const char* request, std::int64_t count,
                               std::chrono::milliseconds timeout = std::chrono::seconds(10));

    // Polls `counter` until `predicate` holds or the deadline passes; returns the last value.
    std::int64_t wait_counter(std::size_t controller, const char* name,
                              const std::function<bool(std::int64_t)>& predicate,
                              std::chrono::milliseconds timeout = std::chrono::seconds(10));

    // The HTTP control calls one controller received, oldest first: the array of
    // {"method","path","content_type","body","bearer","status"} of
    // GET /controllers/<i>/http-calls (POST /reset-stats empties it).
    rapidjson::Document http_calls(std::size_t controller = 0);
    // Waits until at least `count` control calls arrived; returns the calls seen last.
    rapidjson::Document
    wait_http_calls(std::size_t controller, std::size_t count,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));

    std::string log() const;
    process& proc() { return process_; }

private:
    temp_dir dir_{"mg-sim"};
    process process_;
    std::vector<std::uint16_t> ports_;
    std::uint16_t control_port_ = 0;
    std::string fingerprint_;
};

// A real mosaic-gateway process on a site file written into a temporary folder.
class gateway_process {
public:
    explicit gateway_process(std::string_view yaml, std::vector<std::string> extra_args = {},
                             std::vector<std::pair<std::string, std::string>> env = {});
    ~gateway_process();

    // SIGTERM, and the exit code (-1 when it had to be killed).
    int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

    std::string log() const;
    // Waits until the log holds `text`; false when the deadline passed first.
    bool wait_for_log(std::string_view text,
                      std::chrono::milliseconds timeout = std::chrono::seconds(15)) const;
    process& proc() { return process_; }
    const temp_dir& dir() const { return dir_; }

private:
    temp_dir dir_{"mg-gateway"};
    process process_;
};

} // namespace mg::test
