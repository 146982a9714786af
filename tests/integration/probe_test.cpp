// `mosaic-gateway --probe` (README "Commissioning a site") against a real mosaic-sim, with no
// broker anywhere: the steps, the exit codes, the budget and the certificate fingerprint.

#include "tests/support/process.hpp"
#include "tests/support/sim_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace mg::test {
namespace {

using namespace std::chrono_literals;

const std::string gateway = std::string(MG_BIN_DIR) + "/mosaic-gateway";
const std::string credentials = "    username: gateway-user\n    password: pw-s3cret\n";

// No broker listens on port 1: the probe must not need one.
std::string site_yaml(const std::string& url, const std::string& extra) {
    return "site: hotel\nmqtt:\n  url: mqtt://127.0.0.1:1\ncontrollers:\n"
           "  - name: lobby\n    url: " +
           url + "\n" + extra + "  - name: bar\n    url: ws://127.0.0.1:9/query\n";
}

struct probe_run {
    temp_dir dir{"mg-probe"};
    run_result result;
    probe_run(const std::string& yaml, std::vector<std::string> args) {
        const auto file = dir.write("site.yaml", yaml);
        std::vector<std::string> argv{gateway, "-c", file.string()};
        argv.insert(argv.end(), args.begin(), args.end());
        result = run(argv, 30s);
    }
};

// The JSON object printed by --json (the only line that starts with '{').
rapidjson::Document json_report(const std::string& output) {
    rapidjson::Document doc;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);)
        if (line.starts_with("{"))
            doc.Parse(line.c_str());
    return doc;
}

bool has_line(const std::string& output, std::string_view result, std::string_view step) {
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);)
        if (line.starts_with(result) && line.find(" " + std::string(step) + " ") != std::string::npos)
            return true;
    return false;
}

TEST(Probe, GoodPasswordPassesEveryStepAndLearnsTheSerial) {
    sim_process sim({"--user", "gateway-user:pw-s3cret"});
    probe_run probe(site_yaml(sim.url(), credentials), {"--probe", "lobby", "--probe-time", "1s"});
    const auto& out = probe.result.output;
    EXPECT_EQ(probe.result.exit_code, 0) << out;
    for (const auto* step : {"connect", "authenticate", "websocket", "keepalive", "request system",
                             "request project", "request timeline", "request network_adapters",
                             "subscribe timeline", "subscribe beacon", "close"})
        EXPECT_TRUE(has_line(out, "ok", step)) << step << "\n" << out;
    EXPECT_FALSE(has_line(out, "FAIL", "")) << out;
    EXPECT_NE(out.find("serial       009060"), std::string::npos) << out;
    EXPECT_NE(out.find("hardware"), std::string::npos) << out;
    EXPECT_EQ(out.find("pw-s3cret"), std::string::npos);
    // Requests that need a parameter are not sent; no control call is made.
    EXPECT_EQ(sim.requests(0, "output"), 0);
    EXPECT_EQ(sim.requests(0, "system"), 1);
    EXPECT_EQ(sim.counter(0, "control_calls"), 0);
    EXPECT_EQ(sim.counter(0, "auth_calls"), 1);
    EXPECT_EQ(sim.counter(0, "ws_total"), 1);
    EXPECT_EQ(sim.counter(0, "messages_without_token"), 0);
    // Nothing left open, and never more than the budget at once.
    EXPECT_EQ(sim.wait_counter(0, "tcp_current", [](auto v) { return v == 0; }), 0);
    EXPECT_LE(sim.counter(0, "tcp_max"), 2) << "within max_connections (default 2)";
    EXPECT_EQ(sim.counter(0, "ws_max"), 1);
}

TEST(Probe, StaysWithinOneConnectionWhenTheBudgetIsOne) {
    sim_process sim({"--user", "gateway-user:pw-s3cret"});
    probe_run probe(site_yaml(sim.url(), credentials + "    max_connections: 1\n"),
                    {"--probe", "lobby", "--probe-time", "500ms"});
    EXPECT_EQ(probe.result.exit_code, 0) << probe.result.output;
    EXPECT_EQ(sim.wait_counter(0, "tcp_current", [](auto v) { return v == 0; }), 0);
    // The connect check, authentication and the WebSocket, one after another: each is closed
    // before the next opens (when the controller notices a close is its own affair).
    EXPECT_EQ(sim.counter(0, "tcp_total"), 3);
    EXPECT_EQ(sim.counter(0, "ws_max"), 1);
}

TEST(Probe, WrongPasswordIsOneAuthenticationCallAndExitOne) {
    sim_process sim({"--user", "gateway-user:another-password"});
    probe_run probe(site_yaml(sim.url(), credentials), {"--probe", "lobby"});
    const auto& out = probe.result.output;
    EXPECT_EQ(probe.result.exit_code, 1) << out;
    EXPECT_TRUE(has_line(out, "FAIL", "authenticate")) << out;
    EXPECT_NE(out.find("wrong credentials"), std::string::npos) << out;
    EXPECT_EQ(sim.counter(0, "auth_calls"), 1);
    EXPECT_EQ(sim.counter(0, "ws_total"), 0) << "never a WebSocket";
    EXPECT_EQ(out.find("pw-s3cret"), std::string::npos);
}

TEST(Probe, JsonReportParsesAndHasTheSteps) {
    sim_process sim;
    probe_run probe(site_yaml(sim.url(), ""), {"--probe", "lobby", "--json", "--probe-time", "300ms"});
    EXPECT_EQ(probe.result.exit_code, 0) << probe.result.output;
    const auto doc = json_report(probe.result.output);
    ASSERT_TRUE(doc.IsObject()) << probe.result.output;
    ASSERT_TRUE(doc["steps"].IsArray());
    ASSERT_GT(doc["steps"].Size(), 5u);
    for (const auto& s : doc["steps"].GetArray()) {
        EXPECT_TRUE(s["name"].IsString());
        EXPECT_TRUE(s["result"].IsString());
        EXPECT_TRUE(s["ms"].IsInt64());
        EXPECT_TRUE(s["note"].IsString());
    }
    EXPECT_STREQ(doc["steps"][0]["name"].GetString(), "connect");
    EXPECT_STREQ(doc["serial"].GetString(), "009060");
    EXPECT_TRUE(doc["ok"].GetBool());
    // Without credentials there is no authentication step and no call.
    EXPECT_EQ(sim.counter(0, "auth_calls"), 0);
}

TEST(Probe, UnknownControllerExitsTwoNamingTheControllers) {
    probe_run probe(site_yaml("ws://127.0.0.1:9/query", ""), {"--probe", "lounge"});
    EXPECT_EQ(probe.result.exit_code, 2);
    EXPECT_NE(probe.result.output.find("'lounge'"), std::string::npos) << probe.result.output;
    EXPECT_NE(probe.result.output.find("lobby, bar"), std::string::npos) << probe.result.output;
}

TEST(Probe, UnreachableControllerFailsTheConnectStep) {
    probe_run probe(site_yaml("ws://127.0.0.1:9/query", "    request_timeout: 2s\n"),
                    {"--probe", "bar"});
    EXPECT_EQ(probe.result.exit_code, 1) << probe.result.output;
    EXPECT_TRUE(has_line(probe.result.output, "FAIL", "connect")) << probe.result.output;
}

TEST(Probe, OverWssPrintsTheFingerprintTheCertificateHas) {
    sim_process sim({"--tls"});
    ASSERT_FALSE(sim.fingerprint().empty());
    // Not yet pinned and not trusted: the step fails, but shows what to pin.
    probe_run first(site_yaml(sim.url(0, "wss"), ""), {"--probe", "lobby"});
    EXPECT_EQ(first.result.exit_code, 1) << first.result.output;
    EXPECT_TRUE(has_line(first.result.output, "FAIL", "connect")) << first.result.output;
    EXPECT_NE(first.result.output.find(sim.fingerprint()), std::string::npos)
        << first.result.output;
    // Pinned as printed: everything passes and the fingerprint is learnt.
    probe_run pinned(site_yaml(sim.url(0, "wss"), "    tls: { fingerprint_sha256: \"" +
                                                      sim.fingerprint() + "\" }\n"),
                     {"--probe", "lobby", "--json", "--probe-time", "300ms"});
    EXPECT_EQ(pinned.result.exit_code, 0) << pinned.result.output;
    const auto doc = json_report(pinned.result.output);
    ASSERT_TRUE(doc.IsObject()) << pinned.result.output;
    EXPECT_EQ(doc["fingerprint"].GetString(), sim.fingerprint());
}

TEST(Probe, AnswerOfAnotherShapeIsOddNamingTheFieldAndStillExitsZero) {
    sim_process sim;
    sim.control("POST", "/controllers/0/set",
                R"({"request":"system","data":{"hardware_type":"MSC","serial_number":[],)"
                R"("firmware_version":"2.15.0"}})");
    probe_run probe(site_yaml(sim.url(), ""), {"--probe", "lobby", "--probe-time", "300ms"});
    EXPECT_EQ(probe.result.exit_code, 0) << probe.result.output;
    EXPECT_TRUE(has_line(probe.result.output, "odd", "request system")) << probe.result.output;
    EXPECT_NE(probe.result.output.find("system.serial_number is an array, expected a string"),
              std::string::npos)
        << probe.result.output;
}

TEST(Probe, CountsBroadcastsPerChannel) {
    sim_process sim;
    temp_dir dir{"mg-probe"};
    const auto file = dir.write("site.yaml", site_yaml(sim.url(), ""));
    process probe({gateway, "-c", file.string(), "--probe", "lobby", "--json", "--probe-time", "3s"},
                  {(dir.path() / "out").string(), {}, {}});
    // Once subscribed (a keep-alive, 22 requests and 11 subscriptions), one timeline change.
    sim.wait_counter(0, "messages_in", [](auto v) { return v >= 34; });
    sim.control("POST", "/controllers/0/timeline", R"({"num":1,"state":"running"})");
    ASSERT_EQ(probe.wait_for_exit(20s), 0) << dir.read("out");
    const auto doc = json_report(dir.read("out"));
    ASSERT_TRUE(doc.IsObject()) << dir.read("out");
    std::string note;
    for (const auto& s : doc["steps"].GetArray())
        if (std::string_view(s["name"].GetString()) == "subscribe timeline")
            note = s["note"].GetString();
    EXPECT_EQ(note, "1 broadcast") << dir.read("out");
}

} // namespace
} // namespace mg::test
