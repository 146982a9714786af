#include "gateway/service/site_reload.hpp"

#include "gateway/config/load.hpp"

#include <boost/asio/post.hpp>
#include <cerrno>
#include <system_error>
#include <utility>
#include <unistd.h>

namespace mg::service {

site_reload::site_reload(boost::asio::any_io_executor loop, std::chrono::milliseconds limit)
    : loop_(loop), limit_(limit), deadline_(loop), exit_(loop) {}

site_reload::~site_reload() {
    cancel();
}

void site_reload::start(const std::string& path, done_handler done) {
    done_ = std::move(done);
    path_ = path;
    try {
        text_ = config::read_site_file(path);
        trial_ = std::make_unique<config::yaml_trial>(text_);
        // The stream descriptor owns what it is given: a duplicate, the trial keeps its own.
        const int fd = ::dup(trial_->exit_descriptor());
        if (fd < 0)
            throw std::system_error(errno, std::generic_category(), "dup");
        exit_.assign(fd);
    } catch (const std::exception& e) {
        trial_.reset();
        boost::asio::post(loop_, [done = std::exchange(done_, {}), error = std::string(e.what())] {
            done(error);
        });
        return;
    }
    // Both handlers may be queued when one of them finishes the load: each checks that the
    // load it was started for is still the running one.
    const auto load = ++loads_;
    exit_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                     [this, load](boost::system::error_code ec) {
                         if (ec || load != loads_ || !trial_)
                             return;
                         finish(trial_->exited());
                     });
    deadline_.expires_after(limit_);
    deadline_.async_wait([this, load](boost::system::error_code ec) {
        if (ec || load != loads_ || !trial_)
            return;
        finish(trial_->kill());
    });
}

void site_reload::cancel() {
    ++loads_;
    deadline_.cancel();
    boost::system::error_code ignored;
    exit_.close(ignored);
    trial_.reset(); // kills and reaps a child still running
    done_ = nullptr;
}

void site_reload::finish(config::yaml_trial::outcome outcome) {
    auto done = std::exchange(done_, {});
    cancel();
    if (!done)
        return;
    if (outcome != config::yaml_trial::outcome::finished) {
        done(path_ + ": error: " + config::describe(outcome));
        return;
    }
    result loaded = std::string();
    try {
        loaded = config::parse_site_file(path_, text_);
    } catch (const config::config_error& e) {
        loaded = std::string(e.what());
    }
    text_.clear();
    done(std::move(loaded));
}

} // namespace mg::service
