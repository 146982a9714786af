// The real mosaic-sim executable: ready line on stdout, clean exit on SIGTERM.

#include "tests/sim/running_sim.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

namespace mg::sim::test {
namespace {

const std::string sim_binary = std::string(MG_BIN_DIR) + "/mosaic-sim";

// stdout and stderr share the file; the ready line is the one JSON line.
std::string ready_line(const std::filesystem::path& file) {
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);)
        if (line.starts_with("{"))
            return line;
    return {};
}

TEST(SimBinary, PrintsTheReadyLineAndExitsCleanlyOnSigterm) {
    if (!std::filesystem::exists(sim_binary))
        GTEST_SKIP() << "build the mosaic-sim target first";
    mg::test::temp_dir dir{"mg-sim-binary"};
    const auto out = dir.path() / "output";
    mg::test::process sim({sim_binary, "--controllers", "2", "--tick", "50ms"},
                          {out.string(), {}, {}});
    rapidjson::Document ready;
    ASSERT_TRUE(eventually(
        [&] {
            ready = parse(ready_line(out));
            return ready.IsObject();
        },
        5s));
    EXPECT_TRUE(ready["ready"].GetBool());
    ASSERT_EQ(ready["ports"].Size(), 2u);
    const auto port = static_cast<std::uint16_t>(ready["ports"][0].GetUint());
    const auto control = static_cast<std::uint16_t>(ready["control_port"].GetUint());
    EXPECT_EQ(http_call(port, "GET", "/api/project").status, 200u);
    EXPECT_EQ(http_call(control, "GET", "/stats").status, 200u);
    EXPECT_EQ(sim.terminate(3s), 0);
}

TEST(SimBinary, UsageErrorsExitWithTwo) {
    if (!std::filesystem::exists(sim_binary))
        GTEST_SKIP() << "build the mosaic-sim target first";
    const auto result = mg::test::run({sim_binary, "--no-such-flag"}, 5s);
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.output.find("unknown argument"), std::string::npos);
}

} // namespace
} // namespace mg::sim::test
