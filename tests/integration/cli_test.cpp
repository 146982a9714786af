// The command line of the real binary (README "Command line").

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <regex>
#include <set>
#include <sstream>

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

TEST(CommandLine, CheckRefusesAControllerNamedLikeTheGatewaysOwnTopics) {
    temp_dir dir;
    const auto file = dir.write("site.yaml", "site: hotel\n"
                                             "controllers:\n"
                                             "  - name: lobby\n"
                                             "    url: ws://127.0.0.1/query\n"
                                             "  - name: gateway\n"
                                             "    url: ws://127.0.0.2/query\n");
    const auto r = run({gateway, "-c", file.string(), "--check"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.output.find(file.string() + ":5:11: error: controllers[1].name: 'gateway' is "
                                            "reserved for the gateway's own topics"),
              std::string::npos)
        << r.output;
}

TEST(CommandLine, CheckWarnsAboutCredentialsOverPlainWebSocketsAndStillPasses) {
    temp_dir dir;
    const auto file = dir.write("site.yaml", "site: hotel\n"
                                             "controllers:\n"
                                             "  - { name: lobby, url: 'ws://127.0.0.1/query',\n"
                                             "      username: a, password: s3cr3tpass }\n"
                                             "  - { name: ballroom, url: 'wss://127.0.0.1/query',\n"
                                             "      username: a, password: s3cr3tpass }\n"
                                             "  - { name: bar, url: 'ws://127.0.0.1:81/query' }\n");
    const auto r = run({gateway, "-c", file.string(), "--check"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("warning: controllers[0] lobby: username and password go to the "
                            "controller unencrypted over ws://; use a wss:// url"),
              std::string::npos)
        << r.output;
    EXPECT_EQ(r.output.find("ballroom: username"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("bar: username"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("s3cr3tpass"), std::string::npos);
}

// Option names (-c, --config, ...) in the text; roff writes a hyphen as "\-".
std::set<std::string> option_names(std::string text) {
    text = std::regex_replace(text, std::regex(R"(\\-)"), "-");
    std::set<std::string> names;
    const std::regex option(R"((^|[\s,])(--?[A-Za-z][A-Za-z-]*))");
    for (std::sregex_iterator it(text.begin(), text.end(), option), end; it != end; ++it)
        names.insert((*it)[2]);
    return names;
}

TEST(CommandLine, HelpListsEveryOptionAndTheManualPageTheSame) {
    const auto r = run({gateway, "--help"});
    ASSERT_EQ(r.exit_code, 0);
    // Every option the parser takes is in the help.
    const std::set<std::string> accepted{
        "-c",      "--config", "--check",      "--log-level", "--probe", "--json",
        "--probe-time", "--capture", "--capture-max", "-V", "--version", "-h", "--help"};
    std::string help_options;
    std::istringstream lines(r.output);
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("  -") || line.starts_with("      --"))
            help_options += line.substr(0, line.find("  ", 6)) + "\n";
    }
    EXPECT_EQ(option_names(help_options), accepted) << r.output;
    // And the parser takes each of them.
    for (const auto& name : accepted) {
        const auto out = run({gateway, name}).output;
        EXPECT_EQ(out.find("unknown argument '" + name + "'"), std::string::npos) << out;
    }

    std::ifstream page(std::string(MG_SOURCE_DIR) + "/docs/mosaic-gateway.1");
    std::ostringstream roff;
    roff << page.rdbuf();
    const auto text = roff.str();
    const auto begin = text.find("\n.SH OPTIONS\n");
    ASSERT_NE(begin, std::string::npos);
    const auto end = text.find("\n.SH ", begin + 1);
    std::string page_options;
    std::istringstream page_lines(text.substr(begin, end - begin));
    for (std::string line; std::getline(page_lines, line);) {
        // The option lines follow .TP: .B, .BR or .BI lines that start with an option.
        if (line.starts_with(".B") && line.find(" \\-") != std::string::npos &&
            line.find(" \\-") < 5)
            page_options += line + "\n";
    }
    EXPECT_EQ(option_names(page_options), accepted) << page_options;
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
