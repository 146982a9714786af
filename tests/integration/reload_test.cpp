// Site files the daemon must refuse without harm (CONTRACT §2): one the YAML parser cannot
// finish, and named files (certificates, keys, passwords) that cannot be used; at --check, at
// start and on SIGHUP, where the running configuration stays and state keeps flowing.

#include "tests/support/mosquitto.hpp"
#include "tests/support/mqtt_recorder.hpp"
#include "tests/support/sim_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pki.hpp"

#include <csignal>
#include <dirent.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <thread>

namespace mg::test {
namespace {

using namespace std::chrono_literals;

const std::string gateway_binary = std::string(MG_BIN_DIR) + "/mosaic-gateway";

// yaml-cpp 0.7 loops forever on these 588 bytes (found by fuzzing the site loader).
std::string hanging_yaml() {
    std::ifstream in(std::string(MG_SOURCE_DIR) +
                     "/tests/fuzz/findings/site_config-yaml-cpp-hang.yaml");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

const std::string broken_ca = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n"
                              "-----END CERTIFICATE-----\n";

std::string site_yaml(const mosquitto& broker, const sim_process& sim, std::string extra = "") {
    return "site: hotel\nmqtt: { url: '" + broker.url() + "' }\ncontrollers:\n" +
           "  - { name: a, url: '" + sim.url(0) + "', keepalive: 1s }\n" + extra;
}

// Processes whose parent is `pid`.
std::vector<pid_t> children_of(pid_t pid) {
    std::vector<pid_t> out;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const auto name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        std::ifstream stat(entry.path() / "stat");
        std::string line;
        std::getline(stat, line);
        // pid (comm) state ppid ...: comm may hold spaces, so read after its last ')'.
        const auto close = line.rfind(')');
        if (close == std::string::npos)
            continue;
        std::istringstream rest(line.substr(close + 1));
        char state = 0;
        pid_t parent = 0;
        rest >> state >> parent;
        if (parent == pid)
            out.push_back(static_cast<pid_t>(std::stoi(name)));
    }
    return out;
}

int threads_of(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);) {
        if (line.starts_with("Threads:"))
            return std::stoi(line.substr(8));
    }
    return -1;
}

// The group level the simulator is told reaches the broker: state still flows.
void expect_state_flows(sim_process& sim, mqtt_recorder& mqtt, int level,
                        std::chrono::milliseconds within = 10s) {
    sim.control("POST", "/controllers/0/group",
                "{\"num\":1,\"level\":" + std::to_string(level) + "}");
    EXPECT_TRUE(mqtt.wait_for(
        "mosaic/hotel/a/group/1",
        [&](const auto& m) {
            return m.payload.find("\"level\":" + std::to_string(level)) != std::string::npos;
        },
        within));
}

TEST(SiteFileRefusal, CheckAndStartEndWithExitTwoOnAFileTheYamlParserCannotFinish) {
    temp_dir dir;
    const auto file = dir.write("site.yaml", hanging_yaml());
    for (const auto& args :
         {std::vector<std::string>{gateway_binary, "-c", file.string(), "--check"},
          std::vector<std::string>{gateway_binary, "-c", file.string()}}) {
        const auto started = std::chrono::steady_clock::now();
        const auto r = run(args, 30s);
        const auto took = std::chrono::steady_clock::now() - started;
        EXPECT_FALSE(r.timed_out);
        EXPECT_EQ(r.exit_code, 2) << r.output;
        EXPECT_LT(took, 10s);
        EXPECT_NE(
            r.output.find(file.string() + ": error: the YAML parser did not finish within 5 s"),
            std::string::npos)
            << r.output;
    }
}

TEST(SiteFileRefusal, CheckLoadsEveryNamedFileAndNamesTheKeyOfOneThatCannotBeUsed) {
    temp_dir dir;
    const test_pki pki;
    dir.write("broken-ca.pem", broken_ca);
    dir.write("text.pem", "not a key\n");
    std::filesystem::create_directory(dir.path() / "a-folder");
    struct refusal {
        std::string yaml;
        std::string expected;
    };
    const std::string controller = "controllers:\n  - name: a\n    url: wss://127.0.0.1:1\n";
    const std::vector<refusal> cases = {
        {"site: s\n" + controller + "    tls:\n      ca_file: broken-ca.pem\n",
         ":6:16: error: controllers[0].tls.ca_file: '" + (dir.path() / "broken-ca.pem").string() +
             "' is not a PEM file of CA certificates"},
        {"site: s\nmqtt:\n  url: mqtts://127.0.0.1\n  tls:\n    cert_file: broken-ca.pem\n"
         "    key_file: text.pem\n" +
             controller,
         ":5:16: error: mqtt.tls.cert_file: '" + (dir.path() / "broken-ca.pem").string() +
             "' holds no PEM certificate"},
        {"site: s\nmqtt:\n  url: mqtts://127.0.0.1\n  tls:\n    cert_file: " +
             pki.client_cert.string() + "\n    key_file: text.pem\n" + controller,
         ":6:15: error: mqtt.tls.key_file: '" + (dir.path() / "text.pem").string() +
             "' is not a PEM private key without a passphrase"},
        {"site: s\nmqtt:\n  url: mqtts://127.0.0.1\n  tls:\n    cert_file: " +
             pki.client_cert.string() + "\n    key_file: " + pki.server_key.string() + "\n" +
             controller,
         ":6:15: error: mqtt.tls.key_file: '" + pki.server_key.string() +
             "' does not belong to the certificate of cert_file"},
        {"site: s\nmqtt:\n  url: mqtt://127.0.0.1\n  username: u\n  password_file: a-folder\n" +
             controller,
         ":5:18: error: mqtt.password_file: cannot read file '" +
             (dir.path() / "a-folder").string() + "'"},
    };
    for (const auto& c : cases) {
        const auto file = dir.write("site.yaml", c.yaml);
        const auto r = run({gateway_binary, "-c", file.string(), "--check"});
        EXPECT_EQ(r.exit_code, 2) << r.output;
        EXPECT_NE(r.output.find(file.string() + c.expected), std::string::npos)
            << r.output << "\nexpected: " << c.expected;
    }
}

class Reload : public ::testing::Test {
protected:
    void SetUp() override { broker.start(); }

    mosquitto broker;
    sim_process sim{{"--controllers", "2", "--tick", "0"}};
};

TEST_F(Reload, AFileTheYamlParserCannotFinishIsRefusedWhileStateKeepsFlowing) {
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, sim));
    ASSERT_TRUE(mqtt.wait_for_payload("mosaic/hotel/a/status", "online")) << gateway.log();
    const auto pid = gateway.proc().pid();
    const int threads = threads_of(pid);

    gateway.dir().write("site.yaml", hanging_yaml());
    gateway.proc().signal(SIGHUP);
    ASSERT_TRUE(gateway.wait_for_log("reloading")) << gateway.log();
    // The parse runs for up to 5 s; meanwhile the loop serves the controller.
    expect_state_flows(sim, mqtt, 41, 3s);
    EXPECT_EQ(gateway.log().find("reload refused"), std::string::npos)
        << "state flowed while the parser still ran";
    ASSERT_TRUE(gateway.wait_for_log("reload refused, keeping the running configuration"))
        << gateway.log();
    EXPECT_NE(gateway.log().find("did not finish within 5 s"), std::string::npos) << gateway.log();

    EXPECT_TRUE(gateway.proc().running());
    EXPECT_TRUE(children_of(pid).empty()) << "no parser is left running";
    EXPECT_EQ(threads_of(pid), threads) << "no parser thread is left running";
    expect_state_flows(sim, mqtt, 42);
    EXPECT_EQ(sim.counter(0, "ws_total"), 1) << "the running configuration stays";
    EXPECT_EQ(gateway.stop(), 0) << gateway.log();
}

TEST_F(Reload, AFileNamingACertificateThatCannotBeUsedIsRefusedAsAWhole) {
    mqtt_recorder mqtt(broker.paho_uri());
    gateway_process gateway(site_yaml(broker, sim));
    ASSERT_TRUE(mqtt.wait_for_payload("mosaic/hotel/a/status", "online")) << gateway.log();
    gateway.dir().write("broken-ca.pem", broken_ca);

    // The first controller changes and a second one comes: neither may happen.
    const std::string changed = "site: hotel\nmqtt: { url: '" + broker.url() +
                                "' }\ncontrollers:\n" + "  - { name: a, url: '" + sim.url(0) +
                                "', keepalive: 2s }\n" + "  - { name: b, url: '" +
                                sim.url(1, "wss") + "', tls: { ca_file: broken-ca.pem } }\n";
    gateway.dir().write("site.yaml", changed);
    gateway.proc().signal(SIGHUP);
    ASSERT_TRUE(gateway.wait_for_log("reload refused, keeping the running configuration"))
        << gateway.log();
    EXPECT_NE(gateway.log().find("controllers[1].tls.ca_file"), std::string::npos) << gateway.log();
    EXPECT_TRUE(gateway.proc().running());
    expect_state_flows(sim, mqtt, 43);
    EXPECT_EQ(sim.counter(0, "ws_total"), 1) << "a kept its connection and its settings";
    EXPECT_FALSE(mqtt.wait_for("mosaic/hotel/b/status", 300ms)) << "b never started";

    // The same for a password file that cannot be read.
    gateway.dir().write("site.yaml", site_yaml(broker, sim,
                                               "  - { name: b, url: '" + sim.url(1) +
                                                   "', username: u, password_file: nope }\n"));
    gateway.proc().signal(SIGHUP);
    ASSERT_TRUE(gateway.wait_for_log("controllers[1].password_file")) << gateway.log();
    EXPECT_TRUE(gateway.proc().running());
    expect_state_flows(sim, mqtt, 44);

    // A good file afterwards is applied.
    gateway.dir().write("site.yaml",
                        site_yaml(broker, sim, "  - { name: b, url: '" + sim.url(1) + "' }\n"));
    gateway.proc().signal(SIGHUP);
    EXPECT_TRUE(mqtt.wait_for_payload("mosaic/hotel/b/status", "online")) << gateway.log();
    EXPECT_EQ(gateway.stop(), 0) << gateway.log();
}

} // namespace
} // namespace mg::test
