// The command line of the real binary (README "Command line").

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace mg::test {
namespace {

const std::string gateway = std::string(MG_BIN_DIR) + "/mosaic-gateway";

TEST(CommandLine, VersionExitsZero) {
    const auto r = run({gateway, "--version"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.output.find("mosaic-gateway " MG_VERSION), std::string::npos);
}

TEST(CommandLine, CheckAcceptsTheDemoSite) {
    const auto r = run({gateway, "-c", std::string(MG_SOURCE_DIR) + "/config/demo.yaml", "--check"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("lobby"), std::string::npos);
}

TEST(CommandLine, CheckReportsErrorWithPositionAndExitsTwo) {
    temp_dir dir;
    const auto file = dir.write("site.yaml", "site: hotel\n"
                                             "controllers:\n"
                                             "  - name: lobby\n"
                                             "    url: http://127.0.0.1/query\n");
    const auto r = run({gateway, "--config", file.string(), "--check"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.output.find(file.string() + ":4:10: error: controllers[0].url: scheme must be ws or wss"),
              std::string::npos)
        << r.output;
}

TEST(CommandLine, CheckNeverPrintsPasswords) {
    temp_dir dir;
    const auto file = dir.write("site.yaml", "site: hotel\n"
                                             "mqtt: { url: 'mqtt://127.0.0.1:1883', username: u, password: hunter2secret }\n"
                                             "controllers:\n"
                                             "  - { name: lobby, url: 'ws://127.0.0.1/query', username: a, password: s3cr3tpass }\n");
    const auto r = run({gateway, "-c", file.string(), "--check"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output.find("hunter2secret"), std::string::npos);
    EXPECT_EQ(r.output.find("s3cr3tpass"), std::string::npos);
}

TEST(CommandLine, UnknownArgumentIsUsageError) {
    EXPECT_EQ(run({gateway, "--bogus"}).exit_code, 2);
    EXPECT_EQ(run({gateway}).exit_code, 2);
    EXPECT_EQ(run({gateway, "-c", "x.yaml", "--log-level", "loud"}).exit_code, 2);
}

TEST(CommandLine, MissingFileIsConfigError) {
    const auto r = run({gateway, "-c", "/nonexistent/site.yaml", "--check"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.output.find("/nonexistent/site.yaml"), std::string::npos);
}

} // namespace
} // namespace mg::test
