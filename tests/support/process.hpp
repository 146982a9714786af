#pragma once
// Child processes for integration tests (mosquitto, mosaic-sim, mosaic-gateway). A child never
// outlives its test: the destructor terminates it, and it is killed by the kernel if the test
// program itself dies.

#include <chrono>
#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace mg::test {

using namespace std::chrono_literals;

struct process_options {
    // stdout and stderr are appended to this file; empty: inherited from the test program.
    std::string output_file;
    // Added to (or replacing in) the test program's environment.
    std::vector<std::pair<std::string, std::string>> env;
    // Working directory; empty: the test program's.
    std::string cwd;
};

class process {
public:
    process() = default;
    // Starts argv[0] (searched in PATH when it has no '/'). Throws std::runtime_error when the
    // program cannot be executed, with the reason.
    explicit process(std::vector<std::string> argv, process_options options = {});
    ~process();
    process(process&& other) noexcept;
    process& operator=(process&& other) noexcept;
    process(const process&) = delete;
    process& operator=(const process&) = delete;

    pid_t pid() const { return pid_; }
    // False once the child has exited (and been reaped) or was never started.
    bool running();
    // The exit code once it has exited: the status, or 128 + signal number when killed.
    std::optional<int> exit_code() const { return exit_code_; }

    // Sends a signal (SIGSTOP/SIGCONT to freeze a broker, SIGHUP to reload, ...).
    void signal(int sig);
    // Waits up to `timeout` for the child to exit on its own; its exit code, if it did.
    std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);
    // SIGTERM, then SIGKILL if it is still alive after `grace`; returns the exit code.
    // Does nothing more when the child has already exited.
    int terminate(std::chrono::milliseconds grace = 5s);

private:
    bool reap(bool block);

    pid_t pid_ = -1;
    std::optional<int> exit_code_;
};

struct run_result {
    int exit_code = -1;
    std::string output; // stdout and stderr interleaved
    bool timed_out = false;
};

// Runs a program to completion (killing it after `timeout`) and collects its output.
run_result run(std::vector<std::string> argv, std::chrono::milliseconds timeout = 30s,
               process_options options = {});

} // namespace mg::test
