#include "tests/support/process.hpp"

#include "tests/support/temp_dir.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <signal.h>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace mg::test {

namespace {

// Everything the child needs, prepared before fork(): between fork and exec in a threaded
// program only async-signal-safe calls are allowed, so no allocation happens there.
struct exec_plan {
    std::vector<std::string> argv_storage;
    std::vector<std::string> env_storage;
    std::vector<char*> argv;
    std::vector<char*> envp;

    exec_plan(std::vector<std::string> args, const process_options& options)
        : argv_storage(std::move(args)) {
        for (char** e = environ; e && *e; ++e) {
            const std::string_view entry(*e);
            const auto name = entry.substr(0, entry.find('='));
            bool replaced = false;
            for (const auto& [k, v] : options.env)
                replaced = replaced || k == name;
            if (!replaced)
                env_storage.emplace_back(entry);
        }
        for (const auto& [k, v] : options.env)
            env_storage.push_back(k + "=" + v);
        for (auto& a : argv_storage)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        for (auto& e : env_storage)
            envp.push_back(e.data());
        envp.push_back(nullptr);
    }
};

int decode_status(int status) {
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

} // namespace

process::process(std::vector<std::string> argv, process_options options) {
    if (argv.empty())
        throw std::invalid_argument("process: empty command line");
    const auto program = argv.front();
    exec_plan plan(std::move(argv), options);

    int out_fd = -1;
    if (!options.output_file.empty()) {
        out_fd =
            ::open(options.output_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (out_fd < 0)
            throw std::runtime_error("process: cannot open " + options.output_file + ": " +
                                     std::strerror(errno));
    }
    // The child reports a failed exec through this pipe; a successful exec closes it.
    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0) {
        if (out_fd >= 0)
            ::close(out_fd);
        throw std::runtime_error(std::string("process: pipe: ") + std::strerror(errno));
    }
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int err = errno;
        ::close(report[0]);
        ::close(report[1]);
        if (out_fd >= 0)
            ::close(out_fd);
        throw std::runtime_error(std::string("process: fork: ") + std::strerror(err));
    }
    if (pid == 0) {
        // The kernel kills the child when the thread that forked it ends, so a crashed or
        // aborted test leaves no broker behind. (Start children from a long-lived thread.)
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(127);
        ::setpgid(0, 0);
        if (out_fd >= 0) {
            ::dup2(out_fd, STDOUT_FILENO);
            ::dup2(out_fd, STDERR_FILENO);
        }
        if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) {
            const int err = errno;
            [[maybe_unused]] auto n = ::write(report[1], &err, sizeof err);
            ::_exit(127);
        }
        ::execvpe(plan.argv[0], plan.argv.data(), plan.envp.data());
        const int err = errno;
        [[maybe_unused]] auto n = ::write(report[1], &err, sizeof err);
        ::_exit(127);
    }
    ::close(report[1]);
    if (out_fd >= 0)
        ::close(out_fd);
    int err = 0;
    ssize_t n;
    do {
        n = ::read(report[0], &err, sizeof err);
    } while (n < 0 && errno == EINTR);
    ::close(report[0]);
    pid_ = pid;
    if (n == sizeof err) {
        reap(true);
        pid_ = -1;
        throw std::runtime_error("process: cannot run " + program + ": " + std::strerror(err));
    }
}

process::~process() {
    if (pid_ > 0)
        terminate(2s);
}

process::process(process&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), exit_code_(std::move(other.exit_code_)) {}

process& process::operator=(process&& other) noexcept {
    if (this != &other) {
        if (pid_ > 0)
            terminate(2s);
        pid_ = std::exchange(other.pid_, -1);
        exit_code_ = std::move(other.exit_code_);
    }
    return *this;
}

bool process::reap(bool block) {
    if (pid_ <= 0 || exit_code_)
        return true;
    int status = 0;
    pid_t r;
    do {
        r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == pid_) {
        exit_code_ = decode_status(status);
        return true;
    }
    if (r < 0) {
        // Reaped elsewhere (a SIGCHLD handler); treat it as gone.
        exit_code_ = -1;
        return true;
    }
    return false;
}

bool process::running() {
    return pid_ > 0 && !reap(false);
}

void process::signal(int sig) {
    if (running())
        ::kill(pid_, sig);
}

std::optional<int> process::wait_for_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
        if (std::chrono::steady_clock::now() >= deadline)
            return std::nullopt;
        std::this_thread::sleep_for(5ms);
    }
    return exit_code_;
}

int process::terminate(std::chrono::milliseconds grace) {
    if (pid_ <= 0)
        return -1;
    if (running()) {
        ::kill(pid_, SIGCONT); // a frozen child cannot act on SIGTERM
        ::kill(pid_, SIGTERM);
        if (!wait_for_exit(grace)) {
            ::kill(pid_, SIGKILL);
            reap(true);
        }
    }
    return exit_code_.value_or(-1);
}

run_result run(std::vector<std::string> argv, std::chrono::milliseconds timeout,
               process_options options) {
    temp_dir dir("run");
    options.output_file = (dir.path() / "output").string();
    process p(std::move(argv), options);
    run_result result;
    if (const auto code = p.wait_for_exit(timeout)) {
        result.exit_code = *code;
    } else {
        result.timed_out = true;
        result.exit_code = p.terminate(1s);
    }
    std::ifstream in(options.output_file);
    std::ostringstream text;
    text << in.rdbuf();
    result.output = text.str();
    return result;
}

} // namespace mg::test
