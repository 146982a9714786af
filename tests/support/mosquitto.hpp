#pragma once
// A private mosquitto broker on a free loopback port, for tests that need a real broker.
// It can be stopped and started again on the same port to simulate an outage.

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mg::test {

// A TCP port on 127.0.0.1 that nothing listens on right now.
std::uint16_t free_tcp_port();

// Whether a TCP connection to 127.0.0.1:port is accepted.
bool port_accepts(std::uint16_t port);

struct mosquitto_options {
    // Lines appended to the generated config, e.g. a TLS listener on another free_tcp_port()
    // (`listener N 127.0.0.1`, `cafile`, `certfile`, `keyfile`), or `allow_anonymous false`
    // with a `password_file`. `{dir}` is replaced by the broker's private directory.
    std::vector<std::string> extra_config;
    // Keep retained messages and persistent sessions across stop()/start(), as a broker with
    // a database does; without it a restart forgets everything.
    bool persistence = false;
};

class mosquitto {
public:
    explicit mosquitto(mosquitto_options options = {});
    ~mosquitto();
    mosquitto(const mosquitto&) = delete;
    mosquitto& operator=(const mosquitto&) = delete;

    // Starts the broker and waits until its main listener accepts connections. The first call
    // picks the port; later calls reuse it. Throws with the broker's log if it does not come up.
    void start(std::chrono::milliseconds timeout = 10s);
    // SIGTERM and wait: clients see their connections closed. The port stays reserved until
    // start(), so that no other test's server takes it while clients keep trying it.
    void stop();
    // SIGKILL: no clean shutdown, nothing saved.
    void kill();
    // SIGSTOP/SIGCONT: the broker keeps its sockets but stops answering, like a dead network.
    void freeze();
    void thaw();
    bool running();

    std::uint16_t port() const { return port_; }
    std::string host() const { return "127.0.0.1"; }
    // mqtt://127.0.0.1:<port>, as the gateway config spells it.
    std::string url() const;
    // tcp://127.0.0.1:<port>, as Paho spells it.
    std::string paho_uri() const;
    const std::filesystem::path& dir() const { return dir_.path(); }
    // Everything the broker logged so far, for failure messages.
    std::string log() const;

private:
    void write_config();
    void hold_port();
    void release_port();

    mosquitto_options options_;
    temp_dir dir_{"mg-mosquitto"};
    std::uint16_t port_ = 0;
    std::optional<process> process_;
    int port_hold_ = -1; // a bound, not listening socket on port_ while stopped
};

} // namespace mg::test
