// load_site_config against the real file system and environment.
#include "gateway/config/load.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

namespace mg::config {
namespace {

namespace fs = std::filesystem;

class LoadSiteConfig : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ =
            fs::temp_directory_path() /
            ("mg-config-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    std::string write(const std::string& name, const std::string& text) {
        const auto path = (dir_ / name).string();
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }

    fs::path dir_;
};

TEST_F(LoadSiteConfig, ReadsFileEnvironmentAndRelativePasswordFile) {
    write("lobby.pass", "from-disk\n");
    ::setenv("MG_CONFIG_TEST_USER", "gateway", 1);
    const auto path = write("site.yaml", R"(site: hotel-east
controllers:
  - name: lobby
    url: ws://127.0.0.1:9000
    username: ${MG_CONFIG_TEST_USER}
    password_file: lobby.pass
)");
    const auto config = load_site_config(path);
    ::unsetenv("MG_CONFIG_TEST_USER");
    EXPECT_EQ(config.controllers[0].username, "gateway");
    EXPECT_EQ(config.controllers[0].password, "from-disk");
}

TEST_F(LoadSiteConfig, ReportsErrorsWithThePathItWasGiven) {
    const auto path = write("site.yaml", "site: hotel-east\ncontrollers: []\n");
    try {
        load_site_config(path);
        FAIL();
    } catch (const config_error& e) {
        EXPECT_EQ(std::string(e.what()),
                  path + ":2:14: error: controllers: at least one controller is required");
    }
}

TEST_F(LoadSiteConfig, RefusesDirectoryAsUnreadable) {
    try {
        load_site_config(dir_.string());
        FAIL();
    } catch (const config_error& e) {
        EXPECT_EQ(std::string(e.what()), dir_.string() + ": error: cannot read file");
    }
}

TEST_F(LoadSiteConfig, ReportsUnsetVariableFromRealEnvironment) {
    ::unsetenv("MG_CONFIG_TEST_UNSET");
    const auto path = write("site.yaml", "site: ${MG_CONFIG_TEST_UNSET}\n");
    try {
        load_site_config(path);
        FAIL();
    } catch (const config_error& e) {
        EXPECT_EQ(std::string(e.what()),
                  path +
                      ":1:7: error: site: environment variable 'MG_CONFIG_TEST_UNSET' is not set");
    }
}

} // namespace
} // namespace mg::config
