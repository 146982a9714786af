#include "tests/support/mosquitto.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <netinet/in.h>
#include <signal.h>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <utility>

namespace mg::test {

namespace {

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}

std::string mosquitto_binary() {
    if (const char* env = std::getenv("MG_MOSQUITTO"); env && *env)
        return env;
    // Debian installs it in /usr/sbin, which is not in every user's PATH.
    if (::access("/usr/sbin/mosquitto", X_OK) == 0)
        return "/usr/sbin/mosquitto";
    return "mosquitto";
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    for (auto pos = text.find(from); pos != std::string::npos;
         pos = text.find(from, pos + to.size()))
        text.replace(pos, from.size(), to);
    return text;
}

} // namespace

std::uint16_t free_tcp_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw std::runtime_error(std::string("free_tcp_port: socket: ") + std::strerror(errno));
    auto addr = loopback(0);
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        const int err = errno;
        ::close(fd);
        throw std::runtime_error(std::string("free_tcp_port: ") + std::strerror(err));
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool port_accepts(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    const auto addr = loopback(port);
    const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

mosquitto::mosquitto(mosquitto_options options) : options_(std::move(options)) {}

mosquitto::~mosquitto() {
    stop();
    release_port();
}

std::string mosquitto::url() const {
    return "mqtt://127.0.0.1:" + std::to_string(port_);
}

std::string mosquitto::paho_uri() const {
    return "tcp://127.0.0.1:" + std::to_string(port_);
}

std::string mosquitto::log() const {
    return dir_.read("mosquitto.log");
}

void mosquitto::write_config() {
    std::ostringstream conf;
    conf << "listener " << port_ << " 127.0.0.1\n"
         << "allow_anonymous true\n";
    if (options_.persistence) {
        conf << "persistence true\n"
             << "persistence_location " << dir_.path().string() << "/\n"
             << "autosave_interval 0\n";
    } else {
        conf << "persistence false\n";
    }
    // Started as root, mosquitto switches to the user "mosquitto", which may not be able to
    // read this directory; staying root is harmless for a test broker.
    if (::geteuid() == 0)
        conf << "user root\n";
    // Without it mosquitto holds each acknowledgement back ~40ms (Nagle against delayed ACK),
    // which turns every QoS 1 round trip in a test into a wait.
    conf << "set_tcp_nodelay true\n";
    conf << "log_dest stderr\n"
         << "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n"
         << "log_timestamp_format %H:%M:%S\n"
         << "connection_messages true\n";
    for (const auto& line : options_.extra_config)
        conf << replace_all(line, "{dir}", dir_.path().string()) << '\n';
    dir_.write("mosquitto.conf", conf.str());
}

void mosquitto::start(std::chrono::milliseconds timeout) {
    if (running())
        return;
    // A port picked now can be taken before mosquitto binds it; on a first start, try again
    // with another one.
    const bool pick_port = port_ == 0;
    release_port();
    for (int attempt = 0;; ++attempt) {
        if (pick_port)
            port_ = free_tcp_port();
        write_config();
        process_options opts;
        opts.output_file = (dir_.path() / "mosquitto.log").string();
        process_.emplace(std::vector<std::string>{mosquitto_binary(), "-c",
                                                  (dir_.path() / "mosquitto.conf").string()},
                         opts);
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (process_->running() && !port_accepts(port_) &&
               std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(10ms);
        if (process_->running() && port_accepts(port_))
            return;
        process_->terminate(1s);
        if (!pick_port || attempt >= 3)
            throw std::runtime_error("mosquitto did not start on port " + std::to_string(port_) +
                                     "; its log:\n" + log());
    }
}

void mosquitto::stop() {
    if (process_) {
        process_->terminate(5s);
        process_.reset();
        hold_port();
    }
}

void mosquitto::kill() {
    if (process_) {
        process_->signal(SIGKILL);
        process_->terminate(5s);
        process_.reset();
        hold_port();
    }
}

void mosquitto::hold_port() {
    // Bound but not listening: connections to it are refused, and neither a port picked by
    // bind(0) nor a broker of another test can be given it. SO_REUSEADDR lets it bind over the
    // closed connections still in TIME_WAIT.
    if (port_hold_ >= 0 || port_ == 0)
        return;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    const auto addr = loopback(port_);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return;
    }
    port_hold_ = fd;
}

void mosquitto::release_port() {
    if (port_hold_ >= 0)
        ::close(std::exchange(port_hold_, -1));
}

void mosquitto::freeze() {
    if (process_)
        process_->signal(SIGSTOP);
}

void mosquitto::thaw() {
    if (process_)
        process_->signal(SIGCONT);
}

bool mosquitto::running() {
    return process_ && process_->running();
}

} // namespace mg::test
