#pragma once
// A trial run of the YAML parser on a site file's text, in a child process with a time limit.
//
// yaml-cpp 0.7 loops forever on some malformed input (tests/fuzz/findings/), and a deeply
// nested file can exhaust its recursion. Neither can be stopped inside the process: a thread
// cannot be cancelled, and one left looping costs a whole core. So the parser first runs on
// the text in a forked child. The child only proves that the parse ends: it hands nothing
// back. The parser is deterministic, so once the child has finished on these bytes, the
// parent parses the same bytes itself and gets the tree (or the error with its position)
// without a second process boundary to carry it across. A child still running at the limit
// is killed and reaped; no parser is ever left running.

#include <chrono>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace mg::config {

// CONTRACT §2: a site file the parser cannot finish within this is an error.
inline constexpr std::chrono::seconds yaml_parse_limit{5};

class yaml_trial {
public:
    enum class outcome {
        running,  // not finished yet
        finished, // the parse ended, with or without a YAML error: parsing again is safe
        crashed,  // the parser died (a signal): parsing in this process would do the same
        timed_out // killed at the limit
    };

    // Starts the child on a copy of `text`. Throws std::system_error when it cannot fork.
    explicit yaml_trial(std::string_view text);
    // Kills and reaps a child still running.
    ~yaml_trial();
    yaml_trial(const yaml_trial&) = delete;
    yaml_trial& operator=(const yaml_trial&) = delete;

    // Readable (end of file) once the child has exited, for an event loop to wait on. The
    // descriptor stays owned by the trial.
    int exit_descriptor() const { return exit_fd_; }
    // Without blocking: reaps the child if it has exited.
    outcome poll();
    // Once exit_descriptor() is readable: reaps the child, which is gone or about to be.
    outcome exited();
    // Blocks until the child exits or `limit` passes; at the limit it is killed.
    outcome wait(std::chrono::milliseconds limit);
    // Kills and reaps the child if it is still running: outcome timed_out.
    outcome kill();

private:
    outcome reap(bool block);

    pid_t child_ = -1;
    int exit_fd_ = -1;
    outcome outcome_ = outcome::running;
};

// The message for a trial that did not finish, to follow "FILE: error: ".
std::string describe(yaml_trial::outcome outcome);

} // namespace mg::config
