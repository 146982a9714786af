// The YAML parser's trial run in a child process: a parse that ends is reported as finished
// (with or without a YAML error), one that does not is killed at the limit, and no child is
// left behind either way.
#include "gateway/config/load.hpp"
#include "gateway/config/yaml_trial.hpp"
#include "tests/config/fake_environment.hpp"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace mg::config {
namespace {

using namespace std::chrono_literals;

std::string hanging_yaml() {
    std::ifstream in(std::string(MG_SOURCE_DIR) +
                     "/tests/fuzz/findings/site_config-yaml-cpp-hang.yaml");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// True when this process has no child left, running or waiting to be reaped.
bool no_child_left() {
    return ::waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD;
}

TEST(YamlTrial, AParseThatEndsIsFinished) {
    yaml_trial trial(testing::minimal_site);
    EXPECT_EQ(trial.wait(10s), yaml_trial::outcome::finished);
    EXPECT_TRUE(no_child_left());
}

TEST(YamlTrial, AYamlErrorIsAnEndingToo) {
    yaml_trial trial("site: [unclosed\n");
    EXPECT_EQ(trial.wait(10s), yaml_trial::outcome::finished);
    EXPECT_TRUE(no_child_left());
}

TEST(YamlTrial, AParseThatNeverEndsIsKilledAtTheLimit) {
    const auto text = hanging_yaml();
    ASSERT_FALSE(text.empty());
    const auto started = std::chrono::steady_clock::now();
    yaml_trial trial(text);
    EXPECT_EQ(trial.wait(300ms), yaml_trial::outcome::timed_out);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    EXPECT_TRUE(no_child_left());
}

TEST(YamlTrial, DestroyingATrialStopsItsChild) {
    {
        yaml_trial trial(hanging_yaml());
        EXPECT_EQ(trial.poll(), yaml_trial::outcome::running);
    }
    EXPECT_TRUE(no_child_left());
}

TEST(YamlTrial, TheSiteLoaderRefusesAFileTheParserCannotFinish) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("mg-hang-" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(path) << hanging_yaml();
    const auto started = std::chrono::steady_clock::now();
    try {
        load_site_config(path.string());
        ADD_FAILURE() << "accepted";
    } catch (const config_error& e) {
        EXPECT_EQ(std::string(e.what()),
                  path.string() + ": error: the YAML parser did not finish within 5 s: the file "
                                  "is malformed (check its indentation and quoting)");
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
    std::filesystem::remove(path);
    EXPECT_TRUE(no_child_left());
}

} // namespace
} // namespace mg::config
