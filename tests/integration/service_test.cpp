// Running under systemd: sd_notify, reload on SIGHUP, journald log format.

#include "tests/support/mosquitto.hpp"
#include "tests/support/mqtt_recorder.hpp"
#include "tests/support/sim_process.hpp"

#include <csignal>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace mg::test {
namespace {

using namespace std::chrono_literals;

// A datagram socket standing in for systemd's notification socket.
class notify_socket {
public:
    explicit notify_socket(const std::filesystem::path& path) : path_(path) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
        EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    }
    ~notify_socket() { ::close(fd_); }

    // Reads datagrams until one contains `what` or the deadline passes.
    bool wait_for(std::string_view what, std::chrono::milliseconds timeout = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0)
                continue;
            char buffer[4096];
            const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n <= 0)
                continue;
            received.emplace_back(buffer, static_cast<std::size_t>(n));
            if (received.back().find(what) != std::string::npos)
                return true;
        }
        return false;
    }

    const std::filesystem::path& path() const { return path_; }
    std::vector<std::string> received;

private:
    std::filesystem::path path_;
    int fd_ = -1;
};

std::string site_yaml(const mosquitto& broker, const std::vector<std::pair<std::string, std::string>>& controllers) {
    std::string yaml = "site: hotel\nmqtt: { url: '" + broker.url() + "' }\ncontrollers:\n";
    for (const auto& [name, url] : controllers)
        yaml += "  - { name: " + name + ", url: '" + url + "', keepalive: 1s }\n";
    return yaml;
}

class Service : public ::testing::Test {
protected:
    void SetUp() override { broker.start(); }
    mosquitto broker;
};

TEST_F(Service, NotifiesReadyWatchdogAndStopping) {
    sim_process sim;
    temp_dir dir;
    notify_socket systemd(dir.path() / "notify");
    gateway_process gateway(site_yaml(broker, {{"lobby", sim.url()}}), {},
                            {{"NOTIFY_SOCKET", systemd.path().string()}, {"WATCHDOG_USEC", "400000"}});
    ASSERT_TRUE(systemd.wait_for("READY=1")) << gateway.log();
    ASSERT_TRUE(systemd.wait_for("STATUS=1/1 controllers live")) << gateway.log();
    ASSERT_TRUE(systemd.wait_for("WATCHDOG=1"));
    ASSERT_TRUE(systemd.wait_for("WATCHDOG=1"));
    gateway.proc().signal(SIGTERM);
    EXPECT_TRUE(systemd.wait_for("STOPPING=1"));
    EXPECT_EQ(gateway.proc().wait_for_exit(10s), 0);
}

TEST_F(Service, ReloadAppliesTheDifferenceAndKeepsUnchangedConnections) {
    sim_process sim({"--controllers", "3"});
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, {{"a", sim.url(0)}, {"b", sim.url(1)}}));
    ASSERT_TRUE(mqtt.wait_for_payload("mosaic/hotel/a/status", "online")) << gateway.log();
    ASSERT_TRUE(mqtt.wait_for_payload("mosaic/hotel/b/status", "online")) << gateway.log();

    gateway.dir().write("site.yaml", site_yaml(broker, {{"a", sim.url(0)}, {"c", sim.url(2)}}));
    gateway.proc().signal(SIGHUP);
    ASSERT_TRUE(mqtt.wait_for_payload("mosaic/hotel/c/status", "online")) << gateway.log();
    ASSERT_TRUE(mqtt.wait_for_payload("mosaic/hotel/b/status", "offline")) << gateway.log();
    EXPECT_EQ(sim.wait_counter(1, "ws_current", [](auto v) { return v == 0; }), 0);
    EXPECT_EQ(sim.counter(0, "ws_total"), 1) << "the unchanged controller kept its WebSocket";
    EXPECT_EQ(sim.counter(2, "ws_total"), 1);
    EXPECT_EQ(mqtt.last("mosaic/hotel/a/status")->payload, "online");
}

TEST_F(Service, ChangedControllerReconnectsWithNewSettings) {
    sim_process sim({"--controllers", "2"});
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, {{"a", sim.url(0)}}));
    ASSERT_TRUE(mqtt.wait_for_payload("mosaic/hotel/a/status", "online")) << gateway.log();
    gateway.dir().write("site.yaml", site_yaml(broker, {{"a", sim.url(1)}}));
    gateway.proc().signal(SIGHUP);
    EXPECT_EQ(sim.wait_counter(1, "ws_total", [](auto v) { return v == 1; }), 1) << gateway.log();
    EXPECT_EQ(sim.wait_counter(0, "ws_current", [](auto v) { return v == 0; }), 0);
}

TEST_F(Service, BrokenFileOnReloadKeepsTheRunningConfiguration) {
    sim_process sim;
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, {{"a", sim.url(0)}}));
    ASSERT_TRUE(mqtt.wait_for_payload("mosaic/hotel/a/status", "online")) << gateway.log();
    gateway.dir().write("site.yaml", "site: hotel\ncontrollers:\n  - name: a\n    url: ftp://x\n");
    gateway.proc().signal(SIGHUP);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (gateway.log().find("reload failed") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(50ms);
    const auto log = gateway.log();
    EXPECT_NE(log.find("reload failed, keeping the running configuration"), std::string::npos) << log;
    EXPECT_NE(log.find("controllers[0].url"), std::string::npos) << log;
    EXPECT_TRUE(gateway.proc().running());
    EXPECT_EQ(sim.counter(0, "ws_total"), 1);
    EXPECT_EQ(mqtt.last("mosaic/hotel/a/status")->payload, "online");
}

TEST_F(Service, JournalLinesCarryPriorityAndNoTimestamp) {
    sim_process sim;
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, {{"a", sim.url(0)}}), {}, {{"JOURNAL_STREAM", "8:1234"}});
    ASSERT_TRUE(mqtt.wait_for_payload("mosaic/hotel/a/status", "online")) << gateway.log();
    EXPECT_EQ(gateway.stop(), 0);
    const auto log = gateway.log();
    EXPECT_EQ(log.rfind("<6>mosaic-gateway ", 0), 0u) << log;
    EXPECT_NE(log.find("\n<6>a: live"), std::string::npos) << log;
}

} // namespace
} // namespace mg::test
