// `--capture` (README "Reporting a problem") with the real daemon, mosquitto and mosaic-sim:
// what the transcript holds, what it never holds, and its size bound.

#include "tests/support/mosquitto.hpp"
#include "tests/support/mqtt_recorder.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sim_process.hpp"

#include <gtest/gtest.h>
#include <map>
#include <rapidjson/document.h>
#include <regex>
#include <set>
#include <sstream>

namespace mg::test {
namespace {

using namespace std::chrono_literals;

const std::string C = "mosaic/hotel/lobby";
const std::string gateway_binary = std::string(MG_BIN_DIR) + "/mosaic-gateway";
const std::string password = "pw-s3cret";
const std::string username = "gateway-user";

std::string site_yaml(const std::string& broker, const std::string& url) {
    return "site: hotel\nmqtt:\n  url: " + broker + "\ncontrollers:\n  - name: lobby\n    url: " +
           url + "\n    username: " + username + "\n    password: " + password +
           "\n    keepalive: 1s\n    reconnect: { min: 100ms, max: 1s }\n"
           "logging:\n  level: debug\n";
}

struct capture_lines {
    std::vector<rapidjson::Document> lines;
    std::map<std::string, int> events;
};

capture_lines read_capture(const std::string& text) {
    capture_lines out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        rapidjson::Document doc;
        doc.Parse(line.c_str());
        EXPECT_TRUE(doc.IsObject()) << "not a JSON object: " << line;
        if (!doc.IsObject())
            continue;
        EXPECT_TRUE(doc.HasMember("t") && doc["t"].IsNumber()) << line;
        EXPECT_TRUE(doc.HasMember("controller") && doc["controller"].IsString()) << line;
        ++out.events[doc["event"].GetString()];
        out.lines.push_back(std::move(doc));
    }
    return out;
}

// Every "token" value anywhere inside the JSON texts of a capture.
void collect_tokens(const rapidjson::Value& v, std::vector<std::string>& out) {
    if (v.IsObject()) {
        for (const auto& m : v.GetObject()) {
            if (std::string_view(m.name.GetString()) == "token" && m.value.IsString())
                out.emplace_back(m.value.GetString());
            else
                collect_tokens(m.value, out);
        }
    } else if (v.IsArray()) {
        for (const auto& e : v.GetArray())
            collect_tokens(e, out);
    }
}

std::vector<std::string> tokens_in(const capture_lines& capture) {
    std::vector<std::string> tokens;
    for (const auto& line : capture.lines) {
        for (const char* field : {"text", "body"}) {
            if (!line.HasMember(field))
                continue;
            rapidjson::Document inner;
            inner.Parse(line[field].GetString());
            if (!inner.HasParseError())
                collect_tokens(inner, tokens);
        }
    }
    return tokens;
}

bool has(const capture_lines& capture, const std::function<bool(const rapidjson::Value&)>& match) {
    return std::any_of(capture.lines.begin(), capture.lines.end(),
                       [&](const auto& l) { return match(l); });
}

std::string str(const rapidjson::Value& v, const char* key) {
    return v.HasMember(key) && v[key].IsString() ? v[key].GetString() : std::string();
}

class Capture : public ::testing::Test {
protected:
    void SetUp() override { broker.start(); }
    mosquitto broker;
};

TEST_F(Capture, DaemonTranscriptHoldsTrafficExpiryAndCommandButNoSecret) {
    sim_process sim({"--user", username + ":" + password});
    mqtt_recorder mqtt(broker.paho_uri());
    temp_dir dir{"mg-capture"};
    const auto file = (dir.path() / "lobby.jsonl").string();
    {
        gateway_process gateway(site_yaml(broker.url(), sim.url()), {"--capture", file});
        ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
        ASSERT_TRUE(mqtt.wait_for(C + "/system")) << gateway.log();
        mqtt.publish(C + "/timeline/1/set", "start");
        ASSERT_EQ(sim.wait_http_calls(0, 1).Size(), 1u) << gateway.log();
        // One keep-alive answered with a live session key first, then the expiry.
        ASSERT_GE(sim.wait_counter(0, "keepalives_in", [](auto v) { return v >= 2; }), 2);
        sim.control("POST", "/controllers/0/fault", R"({"kind":"expire"})");
        ASSERT_EQ(sim.wait_requests(0, "system", 2), 2) << gateway.log();
        ASSERT_TRUE(mqtt.wait_for_payload(C + "/status", "online")) << gateway.log();
        EXPECT_EQ(gateway.stop(), 0);
    }
    const auto text = dir.read("lobby.jsonl");
    const auto capture = read_capture(text);

    EXPECT_EQ(text.find(password), std::string::npos);
    EXPECT_EQ(text.find(username), std::string::npos);
    const auto tokens = tokens_in(capture);
    ASSERT_FALSE(tokens.empty()) << text;
    const std::regex placeholder("<token-[0-9]+>");
    std::set<std::string> distinct;
    for (const auto& t : tokens) {
        EXPECT_TRUE(std::regex_match(t, placeholder)) << "a token in the clear: " << t;
        distinct.insert(t);
    }
    EXPECT_GE(distinct.size(), 2u) << "the session after the expiry has a token of its own";

    EXPECT_GE(capture.events.at("ws_open"), 2);
    EXPECT_GE(capture.events.at("ws_close"), 1);
    EXPECT_GE(capture.events.at("ws_send"), 10);
    EXPECT_GE(capture.events.at("ws_recv"), 10);
    EXPECT_TRUE(has(capture, [](const auto& l) {
        return str(l, "event") == "http_request" && str(l, "path") == "/authenticate" &&
               str(l, "body").find("\"password\":\"<password>\"") != std::string::npos;
    })) << text;
    EXPECT_TRUE(has(capture, [](const auto& l) {
        return str(l, "event") == "http_response" && str(l, "path") == "/authenticate" &&
               l["status"].GetUint() == 200;
    })) << text;
    EXPECT_TRUE(has(capture, [](const auto& l) {
        return str(l, "event") == "http_request" && str(l, "path") == "/api/timeline" &&
               str(l, "body").find("\"action\":\"start\"") != std::string::npos;
    })) << text;
    EXPECT_TRUE(has(capture, [](const auto& l) {
        return str(l, "event") == "http_response" && str(l, "path") == "/api/timeline";
    })) << text;
    EXPECT_TRUE(has(capture, [](const auto& l) {
        return str(l, "event") == "ws_recv" && str(l, "session_key") == "<session-key-1>";
    })) << text;
    EXPECT_TRUE(has(capture, [](const auto& l) {
        const auto hex = str(l, "hex");
        return str(l, "event") == "ws_recv" && !hex.empty() &&
               hex.find_first_not_of('0') == std::string::npos;
    })) << "the all-zero key of the expiry is kept\n" << text;
    EXPECT_TRUE(has(capture, [](const auto& l) {
        return str(l, "event") == "ws_recv" &&
               str(l, "text").find("\"serial_number\":\"009060\"") != std::string::npos;
    })) << text;
    // Times only go forward.
    double last = 0;
    for (const auto& l : capture.lines) {
        EXPECT_GE(l["t"].GetDouble(), last);
        last = l["t"].GetDouble();
    }
}

TEST_F(Capture, StopsAtTheSizeBoundWithAFinalLine) {
    sim_process sim({"--user", username + ":" + password});
    mqtt_recorder mqtt(broker.paho_uri());
    temp_dir dir{"mg-capture"};
    const auto file = (dir.path() / "small.jsonl").string();
    gateway_process gateway(site_yaml(broker.url(), sim.url()),
                            {"--capture", file, "--capture-max", "4K"});
    ASSERT_TRUE(mqtt.wait_for(C + "/system")) << gateway.log();
    // The start-up traffic passes 4 KiB a little after the first state is out.
    ASSERT_TRUE(gateway.wait_for_log("capturing stopped")) << gateway.log();
    EXPECT_EQ(gateway.stop(), 0);
    const auto text = dir.read("small.jsonl");
    EXPECT_LE(text.size(), 4096u);
    const auto capture = read_capture(text);
    ASSERT_FALSE(capture.lines.empty());
    EXPECT_EQ(str(capture.lines.back(), "event"), "capture_stopped") << text;
    EXPECT_EQ(str(capture.lines.back(), "reason"), "size limit 4096 bytes reached");
    EXPECT_EQ(capture.events.at("capture_stopped"), 1);
    const auto log = gateway.log();
    std::size_t said = 0;
    for (auto at = log.find("capturing stopped"); at != std::string::npos;
         at = log.find("capturing stopped", at + 1))
        ++said;
    EXPECT_EQ(said, 1u) << log;
}

TEST_F(Capture, ProbeAppendsToTheSameFile) {
    sim_process sim({"--user", username + ":" + password});
    temp_dir dir{"mg-capture"};
    const auto site = dir.write("site.yaml", site_yaml("mqtt://127.0.0.1:1", sim.url()));
    const auto file = (dir.path() / "probe.jsonl").string();
    for (int i = 0; i < 2; ++i) {
        const auto r = run({gateway_binary, "-c", site.string(), "--probe", "lobby",
                            "--probe-time", "200ms", "--capture", file});
        ASSERT_EQ(r.exit_code, 0) << r.output;
    }
    const auto text = dir.read("probe.jsonl");
    const auto capture = read_capture(text);
    EXPECT_EQ(capture.events.at("ws_open"), 2);
    EXPECT_EQ(capture.events.at("ws_close"), 2);
    EXPECT_EQ(capture.events.at("http_request"), 2);
    EXPECT_EQ(text.find(password), std::string::npos);
    // The second run's token is a new one: its placeholder goes on counting, and time goes on.
    const auto tokens = tokens_in(capture);
    EXPECT_EQ(std::set<std::string>(tokens.begin(), tokens.end()),
              (std::set<std::string>{"<token-1>", "<token-2>"}))
        << text;
    double last = 0;
    for (const auto& l : capture.lines) {
        EXPECT_GE(l["t"].GetDouble(), last) << text;
        last = l["t"].GetDouble();
    }
}

} // namespace
} // namespace mg::test

namespace mg::test {
namespace {

TEST(CaptureFile, FileThatCannotBeOpenedIsAUsageError) {
    temp_dir dir{"mg-capture"};
    const auto site =
        dir.write("site.yaml", "site: hotel\nmqtt:\n  url: mqtt://127.0.0.1:1\ncontrollers:\n"
                               "  - name: lobby\n    url: ws://127.0.0.1:9/query\n");
    for (const std::vector<std::string>& mode : {std::vector<std::string>{},
                                                std::vector<std::string>{"--probe", "lobby"}}) {
        std::vector<std::string> argv{gateway_binary, "-c", site.string(), "--capture",
                                      "/nonexistent/folder/capture.jsonl"};
        argv.insert(argv.end(), mode.begin(), mode.end());
        const auto r = run(argv, 20s);
        EXPECT_EQ(r.exit_code, 2) << r.output;
        EXPECT_NE(r.output.find("/nonexistent/folder/capture.jsonl"), std::string::npos)
            << r.output;
    }
}

} // namespace
} // namespace mg::test
