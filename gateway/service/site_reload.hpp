#pragma once
// Loads the site file again for a reload without holding up the event loop: the YAML parser's
// trial run (config/yaml_trial.hpp) happens in a child process the loop waits for
// asynchronously, with the parse limit on a timer; only a file whose trial finished is parsed
// and checked here. Controllers and MQTT are served meanwhile.

#include "gateway/config/site_config.hpp"
#include "gateway/config/yaml_trial.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>

namespace mg::service {

class site_reload {
public:
    // The new configuration, or the error (a full diagnostic) that refuses it.
    using result = std::variant<config::site_config, std::string>;
    using done_handler = std::function<void(result)>;

    explicit site_reload(boost::asio::any_io_executor loop,
                         std::chrono::milliseconds limit = config::yaml_parse_limit);
    ~site_reload();

    // Reads and loads `path`; `done` runs on the loop once it is known, never inline. At most
    // one load runs: call only when !running().
    void start(const std::string& path, done_handler done);
    bool running() const { return trial_ != nullptr; }
    // Kills the trial's child if one runs; `done` is not called.
    void cancel();

private:
    void finish(config::yaml_trial::outcome outcome);

    boost::asio::any_io_executor loop_;
    std::chrono::milliseconds limit_;
    boost::asio::steady_timer deadline_;
    boost::asio::posix::stream_descriptor exit_;
    std::unique_ptr<config::yaml_trial> trial_;
    std::string path_;
    std::string text_;
    done_handler done_;
    std::uint64_t loads_ = 0; // which load the pending handlers belong to
};

} // namespace mg::service
