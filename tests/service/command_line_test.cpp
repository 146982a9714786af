// The field-tool options of the command line (README "Command line").

#include "gateway/service/capture_file.hpp"
#include "gateway/service/command_line.hpp"

#include <gtest/gtest.h>

namespace mg::service {
namespace {

command_line parsed(std::vector<std::string> args) {
    const auto r = parse_command_line(args);
    if (const auto* e = std::get_if<usage_error>(&r))
        ADD_FAILURE() << e->message;
    return std::get_if<command_line>(&r) ? std::get<command_line>(r) : command_line{};
}

bool refused(std::vector<std::string> args) {
    return std::holds_alternative<usage_error>(parse_command_line(args));
}

TEST(CommandLine, ProbeTakesNameJsonAndTime) {
    const auto cli = parsed({"-c", "site.yaml", "--probe", "lobby", "--json", "--probe-time=2s"});
    EXPECT_EQ(cli.action, command_line::mode::probe);
    EXPECT_EQ(cli.probe, "lobby");
    EXPECT_TRUE(cli.probe_json);
    EXPECT_EQ(cli.probe_time, std::chrono::seconds(2));
    EXPECT_EQ(parsed({"-c", "s", "--probe", "x"}).probe_time, std::chrono::seconds(5));
}

TEST(CommandLine, CaptureTakesFileAndSize) {
    const auto cli = parsed({"-c", "s", "--capture", "/tmp/c.jsonl", "--capture-max", "10MiB"});
    EXPECT_EQ(cli.action, command_line::mode::run);
    EXPECT_EQ(cli.capture_path, "/tmp/c.jsonl");
    EXPECT_EQ(cli.capture_max, 10u * 1024 * 1024);
    EXPECT_EQ(parsed({"-c", "s", "--capture", "f"}).capture_max, 64u * 1024 * 1024);
}

TEST(CommandLine, FieldToolMisuseIsRefused) {
    EXPECT_TRUE(refused({"-c", "s", "--json"}));
    EXPECT_TRUE(refused({"-c", "s", "--probe-time", "1s"}));
    EXPECT_TRUE(refused({"-c", "s", "--probe", "x", "--probe-time", "soon"}));
    EXPECT_TRUE(refused({"-c", "s", "--capture-max", "1M"}));
    EXPECT_TRUE(refused({"-c", "s", "--capture", "f", "--capture-max", "lots"}));
    EXPECT_TRUE(refused({"-c", "s", "--probe", "x", "--check"}));
    EXPECT_TRUE(refused({"-c", "s", "--probe"}));
}

TEST(CaptureSize, UnitsCountAsDocumented) {
    EXPECT_EQ(parse_size("1000"), 1000u);
    EXPECT_EQ(parse_size("2K"), 2048u);
    EXPECT_EQ(parse_size("2kB"), 2000u);
    EXPECT_EQ(parse_size("64MiB"), 64u * 1024 * 1024);
    EXPECT_EQ(parse_size("1GB"), 1000u * 1000 * 1000);
    EXPECT_FALSE(parse_size("").has_value());
    EXPECT_FALSE(parse_size("12 parsecs").has_value());
    EXPECT_FALSE(parse_size("-1").has_value());
    EXPECT_FALSE(parse_size("99999999999999999999G").has_value());
}

} // namespace
} // namespace mg::service
