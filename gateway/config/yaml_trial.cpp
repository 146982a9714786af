#include "gateway/config/yaml_trial.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

namespace mg::config {
namespace {

// The child's exit codes: the parse ended (a YAML error is an ending too).
constexpr int parsed = 0;
constexpr int parse_error = 1;

[[noreturn]] void run_child(const std::string& text) {
    // Only the parser runs here, then _exit: no destructor, atexit handler or buffered
    // output of the parent's state runs twice. glibc keeps malloc usable in the child of a
    // threaded process, and yaml-cpp takes no other lock.
    int code = parsed;
    try {
        (void)YAML::LoadAll(text);
    } catch (...) {
        code = parse_error;
    }
    ::_exit(code);
}

} // namespace

yaml_trial::yaml_trial(std::string_view text) {
    const std::string copy(text);
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw std::system_error(errno, std::generic_category(), "pipe");
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int error = errno;
        ::close(fds[0]);
        ::close(fds[1]);
        throw std::system_error(error, std::generic_category(), "fork");
    }
    if (pid == 0) {
        // The write end stays open in the child alone until it exits: the parent then reads
        // end of file on the other.
        ::close(fds[0]);
        run_child(copy);
    }
    ::close(fds[1]);
    child_ = pid;
    exit_fd_ = fds[0];
}

yaml_trial::~yaml_trial() {
    kill();
    if (exit_fd_ >= 0)
        ::close(exit_fd_);
}

yaml_trial::outcome yaml_trial::reap(bool block) {
    if (child_ < 0)
        return outcome_;
    int status = 0;
    pid_t got = 0;
    do {
        got = ::waitpid(child_, &status, block ? 0 : WNOHANG);
    } while (got < 0 && errno == EINTR);
    if (got == 0)
        return outcome::running;
    child_ = -1;
    if (got < 0)
        outcome_ = outcome::crashed; // someone else reaped it: nothing proves the parse ends
    else if (outcome_ == outcome::timed_out)
        ; // killed by us
    else if (WIFEXITED(status) &&
             (WEXITSTATUS(status) == parsed || WEXITSTATUS(status) == parse_error))
        outcome_ = outcome::finished;
    else
        outcome_ = outcome::crashed;
    return outcome_;
}

yaml_trial::outcome yaml_trial::poll() {
    return reap(false);
}

yaml_trial::outcome yaml_trial::exited() {
    return reap(true);
}

yaml_trial::outcome yaml_trial::wait(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (child_ >= 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return kill();
        pollfd p{exit_fd_, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready > 0)
            return reap(true);
        if (ready < 0 && errno != EINTR)
            return kill();
    }
    return outcome_;
}

yaml_trial::outcome yaml_trial::kill() {
    if (child_ < 0)
        return outcome_;
    if (reap(false) != outcome::running)
        return outcome_;
    ::kill(child_, SIGKILL);
    outcome_ = outcome::timed_out;
    return reap(true);
}

std::string describe(yaml_trial::outcome outcome) {
    switch (outcome) {
    case yaml_trial::outcome::timed_out:
        return "the YAML parser did not finish within " + std::to_string(yaml_parse_limit.count()) +
               " s: the file is malformed (check its indentation and quoting)";
    case yaml_trial::outcome::crashed:
        return "the YAML parser failed on this file: it is malformed (nesting too deep?)";
    default:
        return "the YAML parser did not finish";
    }
}

} // namespace mg::config
