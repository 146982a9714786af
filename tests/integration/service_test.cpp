// Running under systemd: sd_notify, reload on SIGHUP, journald log format.

#include "tests/support/mosquitto.hpp"
#include "tests/support/mqtt_recorder.hpp"
#include "tests/support/sim_process.hpp"

#include <csignal>
#include <fstream>
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

std::string site_yaml(const mosquitto& broker,
                      const std::vector<std::pair<std::string, std::string>>& controllers) {
    std::string yaml = "site: hotel\nmqtt: { url: '" + broker.url() + "' }\ncontrollers:\n";
    for (const auto& [name, url] : controllers)
        yaml += "  - { name: " + name + ", url: '" + url + "', keepalive: 1s }\n";
    return yaml;
}

// Replaces every `from` in `text` by `to`.
std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

// Runs the ExecReload= lines of the shipped unit in order, as systemd does for `systemctl
// reload`, on `site_file` and the gateway `main_pid`: the installed paths point at the build,
// and systemd's substitutions ($MAINPID, $$) are made. The first command that fails fails the
// reload; returns its exit code, or 0.
int systemctl_reload(const std::filesystem::path& site_file, pid_t main_pid) {
    std::ifstream unit(std::string(MG_SOURCE_DIR) + "/systemd/mosaic-gateway@.service");
    int commands = 0;
    for (std::string line; std::getline(unit, line);) {
        if (!line.starts_with("ExecReload="))
            continue;
        ++commands;
        line = line.substr(std::string_view("ExecReload=").size());
        line = replace_all(line, "/usr/bin/mosaic-gateway",
                           std::string(MG_BIN_DIR) + "/mosaic-gateway");
        line = replace_all(line, "/etc/mosaic-gateway/%i.yaml", site_file.string());
        line = replace_all(line, "$MAINPID", std::to_string(main_pid));
        line = replace_all(line, "$$", "$");
        // The unit's quoting is the shell's subset, so sh splits the line as systemd would.
        const auto r = run({"/bin/sh", "-c", line});
        if (r.exit_code != 0)
            return r.exit_code;
    }
    EXPECT_EQ(commands, 2) << "a check, then SIGHUP";
    return 0;
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
    gateway_process gateway(
        site_yaml(broker, {{"lobby", sim.url()}}), {},
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
    // Removed: offline, then cleared (see RemovedControllerGoesOfflineThenLeavesNoRetainedTopic).
    ASSERT_TRUE(mqtt.wait_for_payload("mosaic/hotel/b/status", "")) << gateway.log();
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
    EXPECT_TRUE(gateway.wait_for_log("reload refused", 10s)) << gateway.log();
    const auto log = gateway.log();
    EXPECT_NE(log.find("reload refused, keeping the running configuration"), std::string::npos)
        << log;
    EXPECT_NE(log.find("controllers[0].url"), std::string::npos) << log;
    EXPECT_TRUE(gateway.proc().running());
    EXPECT_EQ(sim.counter(0, "ws_total"), 1);
    EXPECT_EQ(mqtt.last("mosaic/hotel/a/status")->payload, "online");
}

TEST_F(Service, ReloadOfTheUnitFailsOnABrokenFileAndTheGatewayKeepsRunning) {
    sim_process sim({"--controllers", "2"});
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, {{"a", sim.url(0)}}));
    ASSERT_TRUE(mqtt.wait_for_payload("mosaic/hotel/a/status", "online")) << gateway.log();
    const auto site_file = gateway.dir().path() / "site.yaml";

    gateway.dir().write("site.yaml", "site: hotel\ncontrollers:\n  - name: a\n    url: ftp://x\n");
    EXPECT_EQ(systemctl_reload(site_file, gateway.proc().pid()), 2);
    // The check failed first, so the gateway was never asked to reload.
    EXPECT_EQ(gateway.log().find("reload"), std::string::npos) << gateway.log();
    EXPECT_TRUE(gateway.proc().running());
    EXPECT_EQ(sim.counter(0, "ws_total"), 1);
    EXPECT_EQ(mqtt.last("mosaic/hotel/a/status")->payload, "online");

    // A good file passes the check and reaches the gateway.
    gateway.dir().write("site.yaml", site_yaml(broker, {{"a", sim.url(0)}, {"b", sim.url(1)}}));
    EXPECT_EQ(systemctl_reload(site_file, gateway.proc().pid()), 0);
    EXPECT_TRUE(mqtt.wait_for_payload("mosaic/hotel/b/status", "online")) << gateway.log();
    EXPECT_EQ(sim.counter(0, "ws_total"), 1);
}

TEST_F(Service, RemovedControllerGoesOfflineThenLeavesNoRetainedTopic) {
    sim_process sim({"--controllers", "2", "--tick", "0"});
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, {{"a", sim.url(0)}, {"b", sim.url(1)}}));
    ASSERT_TRUE(mqtt.wait_for_payload("mosaic/hotel/b/status", "online")) << gateway.log();
    ASSERT_TRUE(mqtt.wait_for("mosaic/hotel/b/timeline/1")) << gateway.log();
    ASSERT_TRUE(mqtt.wait_for("mosaic/hotel/b/system")) << gateway.log();
    ASSERT_FALSE(retained_topics(broker.paho_uri(), "mosaic/hotel/b/#").empty());

    gateway.dir().write("site.yaml", site_yaml(broker, {{"a", sim.url(0)}}));
    gateway.proc().signal(SIGHUP);
    EXPECT_EQ(wait_retained_cleared(broker.paho_uri(), "mosaic/hotel/b/#"),
              std::vector<std::string>{})
        << gateway.log();
    // offline went out before the clear.
    ASSERT_TRUE(mqtt.wait_for_payload("mosaic/hotel/b/status", ""));
    std::vector<std::string> status;
    for (const auto& m : mqtt.messages("mosaic/hotel/b/status"))
        status.push_back(m.payload);
    ASSERT_GE(status.size(), 3u);
    EXPECT_EQ(status[status.size() - 2], "offline");
    // The controller that stays keeps everything.
    EXPECT_EQ(mqtt.last("mosaic/hotel/a/status")->payload, "online");
    EXPECT_FALSE(retained_topics(broker.paho_uri(), "mosaic/hotel/a/timeline/#").empty());
}

TEST_F(Service, WarnsAtStartWhenAPasswordWouldCrossAPlainWebSocket) {
    sim_process sim({"--user", "gw:s3cr3t-pw"});
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway("site: hotel\nmqtt: { url: '" + broker.url() +
                            "' }\ncontrollers:\n  - { name: a, url: '" + sim.url() +
                            "', username: gw, password: s3cr3t-pw }\n");
    ASSERT_TRUE(mqtt.wait_for_payload("mosaic/hotel/a/status", "online")) << gateway.log();
    const auto log = gateway.log();
    EXPECT_NE(log.find("warning controllers[0] a: username and password go to the controller "
                       "unencrypted over ws://; use a wss:// url"),
              std::string::npos)
        << log;
    EXPECT_EQ(log.find("s3cr3t-pw"), std::string::npos);
}

TEST_F(Service, JournalLinesCarryPriorityAndNoTimestamp) {
    sim_process sim;
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, {{"a", sim.url(0)}}), {},
                            {{"JOURNAL_STREAM", "8:1234"}});
    ASSERT_TRUE(mqtt.wait_for_payload("mosaic/hotel/a/status", "online")) << gateway.log();
    EXPECT_EQ(gateway.stop(), 0);
    const auto log = gateway.log();
    EXPECT_EQ(log.rfind("<6>mosaic-gateway ", 0), 0u) << log;
    EXPECT_NE(log.find("\n<6>a: live"), std::string::npos) << log;
}

} // namespace
} // namespace mg::test
