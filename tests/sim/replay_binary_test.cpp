// `mosaic-sim --replay`: the real executable plays a capture over real sockets.

#include "tests/sim/running_sim.hpp"
#include "tests/sim/test_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

namespace mg::sim::test {
namespace {

const std::string sim_binary = std::string(MG_BIN_DIR) + "/mosaic-sim";

std::string ready_line(const std::filesystem::path& file) {
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);)
        if (line.starts_with("{"))
            return line;
    return {};
}

// A secured controller: authentication, a group reply and broadcast, keep-alive keys with an
// expiry, an HTTP control call, and one line the replay cannot read.
constexpr std::string_view capture_text =
    R"({"t":0.001,"controller":"lobby","event":"http_request","method":"POST","path":"/authenticate","body":"{\"username\":\"<username>\",\"password\":\"<password>\"}"})"
    "\n"
    R"({"t":0.002,"controller":"lobby","event":"http_response","method":"POST","path":"/authenticate","status":200,"body":"{\"token\":\"<token-1>\"}"})"
    "\n"
    R"({"t":0.010,"controller":"lobby","event":"ws_open","url":"ws://10.0.0.9/query"})"
    "\n"
    R"({"t":0.011,"controller":"lobby","event":"ws_send","text":"{\"subscribe\":\"group\",\"token\":\"<token-1>\"}"})"
    "\n"
    R"({"t":0.012,"controller":"lobby","event":"ws_send","text":"{\"request\":\"group\",\"id\":1,\"token\":\"<token-1>\"}"})"
    "\n"
    R"({"t":0.013,"controller":"lobby","event":"ws_recv","text":"{\"request\":\"group\",\"id\":1,\"data\":{\"groups\":[{\"num\":1,\"name\":\"Group 1\",\"level\":10}]}}"})"
    "\n"
    R"({"t":0.311,"controller":"lobby","event":"ws_recv","text":"{\"broadcast\":\"group\",\"data\":{\"num\":1,\"name\":\"Group 1\",\"level\":60}}"})"
    "\n"
    R"({"t":1.0,"controller":"lobby","event":"ws_send","text":"{\"token\":\"<token-1>\"}"})"
    "\n"
    R"({"t":1.001,"controller":"lobby","event":"ws_recv","session_key":"<session-key-1>","length":16})"
    "\n"
    R"({"t":2.0,"controller":"lobby","event":"ws_send","text":"{\"token\":\"<token-1>\"}"})"
    "\n"
    R"({"t":2.001,"controller":"lobby","event":"ws_recv","hex":"00000000000000000000000000000000"})"
    "\n"
    R"({"t":2.1,"controller":"lobby","event":"ws_teleport"})"
    "\n"
    R"({"t":2.2,"controller":"lobby","event":"http_request","method":"POST","path":"/api/group","body":"{\"action\":\"master_intensity\",\"num\":1,\"level\":\"40:100\"}"})"
    "\n"
    R"({"t":2.3,"controller":"lobby","event":"http_response","method":"POST","path":"/api/group","status":401,"body":""})"
    "\n";

class ReplayBinary : public ::testing::Test {
protected:
    void SetUp() override {
        if (!std::filesystem::exists(sim_binary))
            GTEST_SKIP() << "build the mosaic-sim target first";
        capture_ = dir_.write("lobby.jsonl", capture_text);
    }

    mg::test::temp_dir dir_{"mg-replay"};
    std::filesystem::path capture_;
};

TEST_F(ReplayBinary, PlaysTheRecordedControllerToAClient) {
    const auto out = dir_.path() / "output";
    mg::test::process sim({sim_binary, "--replay", capture_.string(), "--speed", "2"},
                          {out.string(), {}, {}});
    rapidjson::Document ready;
    ASSERT_TRUE(eventually(
        [&] {
            ready = parse(ready_line(out));
            return ready.IsObject();
        },
        5s));
    EXPECT_STREQ(ready["controller"].GetString(), "lobby");
    const auto port = static_cast<std::uint16_t>(ready["ports"][0].GetUint());

    const auto auth =
        http_call(port, "POST", "/authenticate", R"({"username":"a","password":"b"})");
    EXPECT_EQ(auth.status, 200u);
    EXPECT_EQ(auth.body, R"({"token":"replay-token-1"})");

    ws_test_client ws;
    ASSERT_TRUE(ws.connect(port));
    const auto subscribed = std::chrono::steady_clock::now();
    ASSERT_TRUE(ws.send_text(R"({"subscribe":"group","token":"replay-token-1"})"));
    ASSERT_TRUE(ws.send_text(R"({"request":"group","id":42,"token":"replay-token-1"})"));
    const auto reply = ws.read();
    ASSERT_TRUE(reply);
    const auto r = parse(reply->data);
    EXPECT_EQ(r["id"].GetInt(), 42);
    EXPECT_EQ(r["data"]["groups"][0]["level"].GetInt(), 10);
    const auto broadcast = ws.read(3s);
    ASSERT_TRUE(broadcast);
    EXPECT_EQ(broadcast->data,
              R"({"broadcast":"group","data":{"num":1,"name":"Group 1","level":60}})");
    EXPECT_GE(std::chrono::steady_clock::now() - subscribed, 100ms)
        << "0.3 s recorded at speed 2 is 0.15 s";

    ASSERT_TRUE(ws.send_text(R"({"token":"replay-token-1"})"));
    const auto key = ws.read();
    ASSERT_TRUE(key && key->binary);
    EXPECT_EQ(key->data.size(), 16u);
    EXPECT_NE(key->data, std::string(16, '\0'));
    ASSERT_TRUE(ws.send_text(R"({"token":"replay-token-1"})"));
    const auto expired = ws.read();
    ASSERT_TRUE(expired && expired->binary);
    EXPECT_EQ(expired->data, std::string(16, '\0')) << "the recorded expiry happens again";

    EXPECT_EQ(http_call(port, "POST", "/api/group",
                        R"({"num":1,"level":"40:100","action":"master_intensity"})")
                  .status,
              401u);
    EXPECT_EQ(sim.terminate(3s), 0);
    const auto log = dir_.read("output");
    EXPECT_NE(log.find("lobby.jsonl:12: unknown event 'ws_teleport'"), std::string::npos) << log;
}

TEST_F(ReplayBinary, ACaptureOfSeveralControllersNeedsOneNamed) {
    const auto two = dir_.write("two.jsonl", R"({"t":0,"controller":"lobby","event":"ws_open"})"
                                             "\n"
                                             R"({"t":0,"controller":"bar","event":"ws_open"})"
                                             "\n");
    auto result = mg::test::run({sim_binary, "--replay", two.string()}, 5s);
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.output.find("lobby, bar"), std::string::npos) << result.output;
    result = mg::test::run({sim_binary, "--replay", two.string(), "--controller", "nope"}, 5s);
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.output.find("nope"), std::string::npos) << result.output;
}

TEST_F(ReplayBinary, OptionsOfASimulationDoNotApplyToAReplay) {
    auto result =
        mg::test::run({sim_binary, "--replay", capture_.string(), "--controllers", "2"}, 5s);
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.output.find("--controllers"), std::string::npos) << result.output;
    result = mg::test::run({sim_binary, "--speed", "2"}, 5s);
    EXPECT_EQ(result.exit_code, 2);
    result = mg::test::run({sim_binary, "--replay", (dir_.path() / "missing.jsonl").string()}, 5s);
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.output.find("cannot read"), std::string::npos) << result.output;
}

} // namespace
} // namespace mg::sim::test
