// Captures as tests (README, "Field tools"): every tests/field/<name>.jsonl is played by
// `mosaic-sim --replay` to the real gateway on its site file <name>.site.yaml, and the broker must
// end up holding the retained state <name>.expected.json that the captured run left.

#include "tests/support/mosquitto.hpp"
#include "tests/support/mqtt_recorder.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sim_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace mg::test {
namespace {

namespace fs = std::filesystem;

const fs::path field_dir = fs::path(MG_SOURCE_DIR) / "tests" / "field";

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> capture_names() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(field_dir))
        if (entry.path().extension() == ".jsonl")
            names.push_back(entry.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

// A running `mosaic-sim --replay`.
class replay_process {
public:
    explicit replay_process(const fs::path& capture) {
        const auto output = dir_.path() / "replay.out";
        process_ = process(
            {std::string(MG_BIN_DIR) + "/mosaic-sim", "--replay", capture.string(), "--port", "0"},
            {output.string(), {}, {}});
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
        while (std::chrono::steady_clock::now() < deadline) {
            std::istringstream lines(read_file(output));
            for (std::string line; std::getline(lines, line);) {
                if (line.rfind(R"({"ready":true)", 0) != 0)
                    continue;
                rapidjson::Document ready;
                ready.Parse(line.c_str());
                port_ = static_cast<std::uint16_t>(ready["ports"][0].GetUint());
                if (ready.HasMember("fingerprint"))
                    fingerprint_ = ready["fingerprint"].GetString();
                return;
            }
            if (!process_.running())
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        ADD_FAILURE() << "mosaic-sim --replay did not become ready:\n" << log();
    }
    ~replay_process() { process_.terminate(std::chrono::seconds(5)); }

    std::uint16_t port() const { return port_; }
    const std::string& fingerprint() const { return fingerprint_; }
    std::string log() const { return read_file(dir_.path() / "replay.out"); }

private:
    temp_dir dir_{"mg-replay"};
    process process_;
    std::uint16_t port_ = 0;
    std::string fingerprint_;
};

std::string canonical(const rapidjson::Value& v) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    v.Accept(w);
    return buffer.GetString();
}

// The retained messages below `prefix` (C/), topic relative to it -> payload, the way the
// expected files hold them: JSON payloads parsed, `connection` reduced to its state (its times
// and counters belong to the run).
std::map<std::string, std::string> retained_state(const std::string& uri,
                                                  const std::string& prefix) {
    static int count = 0;
    const auto marker =
        prefix + "mg-test-marker-" + std::to_string(::getpid()) + "-" + std::to_string(count++);
    recorder_options o;
    o.uri = uri;
    o.filters = {prefix + "#"};
    mqtt_recorder probe(o);
    probe.publish(marker, "x");
    std::map<std::string, std::string> state;
    if (!probe.wait_for(marker))
        return state;
    for (const auto& m : probe.messages()) {
        if (!m.retained || m.payload.empty() || m.topic == marker)
            continue;
        const auto topic = m.topic.substr(prefix.size());
        rapidjson::Document doc;
        doc.Parse(m.payload.c_str(), m.payload.size());
        if (doc.HasParseError()) {
            state[topic] = m.payload;
            continue;
        }
        if (topic == "connection" && doc.IsObject() && doc.HasMember("state"))
            state[topic] = std::string("{\"state\":") + canonical(doc["state"]) + "}";
        else
            state[topic] = canonical(doc);
    }
    return state;
}

std::map<std::string, std::string> expected_state(const fs::path& path) {
    rapidjson::Document doc;
    const auto text = read_file(path);
    doc.Parse(text.c_str(), text.size());
    std::map<std::string, std::string> state;
    if (doc.HasParseError() || !doc.IsObject()) {
        ADD_FAILURE() << path << ": not a JSON object";
        return state;
    }
    for (const auto& m : doc.GetObject())
        state[m.name.GetString()] =
            m.value.IsString() ? std::string(m.value.GetString()) : canonical(m.value);
    return state;
}

// JSON payloads compare as values (member order is not part of the state).
bool same_payload(const std::string& a, const std::string& b) {
    rapidjson::Document da;
    rapidjson::Document db;
    da.Parse(a.c_str(), a.size());
    db.Parse(b.c_str(), b.size());
    if (da.HasParseError() || db.HasParseError())
        return a == b;
    return da == db;
}

std::string difference(const std::map<std::string, std::string>& expected,
                       const std::map<std::string, std::string>& got) {
    std::string out;
    for (const auto& [topic, payload] : expected) {
        const auto it = got.find(topic);
        if (it == got.end())
            out += "  missing " + topic + " = " + payload + "\n";
        else if (!same_payload(payload, it->second))
            out += "  " + topic + " = " + it->second + "\n    expected " + payload + "\n";
    }
    for (const auto& [topic, payload] : got)
        if (!expected.contains(topic))
            out += "  unexpected " + topic + " = " + payload + "\n";
    return out;
}

class FieldCapture : public ::testing::TestWithParam<std::string> {};

TEST_P(FieldCapture, ReplayLeavesTheRetainedStateOfTheCapturedRun) {
    const auto name = GetParam();
    const auto site = field_dir / (name + ".site.yaml");
    ASSERT_TRUE(fs::exists(site)) << site << " is missing";
    const auto expected = expected_state(field_dir / (name + ".expected.json"));
    ASSERT_FALSE(expected.empty());

    mosquitto broker;
    broker.start();
    replay_process replay(field_dir / (name + ".jsonl"));
    ASSERT_NE(replay.port(), 0);
    const std::string scheme = replay.fingerprint().empty() ? "ws" : "wss";
    gateway_process gateway(
        read_file(site), {},
        {{"MOSAIC_URL", scheme + "://127.0.0.1:" + std::to_string(replay.port()) + "/query"},
         {"MOSAIC_FINGERPRINT", replay.fingerprint().empty() ? "-" : replay.fingerprint()},
         {"MQTT_URL", broker.url()}});

    // The site file names one controller; the capture's.
    rapidjson::Document unused;
    const auto first_line = read_file(field_dir / (name + ".jsonl"));
    unused.Parse(first_line.substr(0, first_line.find('\n')).c_str());
    ASSERT_TRUE(unused.IsObject() && unused.HasMember("controller"));
    const std::string prefix =
        std::string("field/") + name + "/" + unused["controller"].GetString() + "/";

    // Commands the captured run received over MQTT, published again at the same times after the
    // controller came online.
    const auto commands_file = field_dir / (name + ".commands.json");
    if (fs::exists(commands_file)) {
        rapidjson::Document commands;
        const auto text = read_file(commands_file);
        commands.Parse(text.c_str(), text.size());
        ASSERT_TRUE(commands.IsArray()) << commands_file;
        mqtt_recorder mqtt(broker.paho_uri());
        ASSERT_TRUE(mqtt.wait_for_payload(prefix + "status", "online", std::chrono::seconds(20)))
            << gateway.log();
        const auto live = std::chrono::steady_clock::now();
        for (const auto& c : commands.GetArray()) {
            std::this_thread::sleep_until(
                live + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                           std::chrono::duration<double>(c["after"].GetDouble())));
            mqtt.publish(prefix + c["topic"].GetString(), c["payload"].GetString());
        }
    }

    std::map<std::string, std::string> got;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(40);
    while (std::chrono::steady_clock::now() < deadline) {
        got = retained_state(broker.paho_uri(), prefix);
        if (difference(expected, got).empty())
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    EXPECT_EQ(difference(expected, got), "") << "gateway log:\n"
                                             << gateway.log() << "\nreplay log:\n"
                                             << replay.log();
}

// A checkout without captures has nothing to replay.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(FieldCapture);

INSTANTIATE_TEST_SUITE_P(Captures, FieldCapture, ::testing::ValuesIn(capture_names()),
                         [](const auto& info) {
                             auto n = info.param;
                             std::replace(n.begin(), n.end(), '-', '_');
                             return n;
                         });

} // namespace
} // namespace mg::test
