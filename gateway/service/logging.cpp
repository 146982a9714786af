#include "gateway/service/logging.hpp"

#include <cstdlib>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace mg::service {
namespace {

// `<N>` as sd-daemon(3) reads it from the start of a line.
class syslog_priority_flag final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        static constexpr const char* prefixes[] = {"<7>", "<7>", "<6>", "<4>", "<3>", "<2>", "<6>"};
        const std::string_view prefix = prefixes[static_cast<int>(msg.level)];
        dest.append(prefix.data(), prefix.data() + prefix.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<syslog_priority_flag>();
    }
};

} // namespace

void setup_logging(const std::string& level) {
    auto logger = spdlog::stderr_logger_mt("mosaic-gateway");
    if (std::getenv("JOURNAL_STREAM")) {
        auto formatter = std::make_unique<spdlog::pattern_formatter>();
        formatter->add_flag<syslog_priority_flag>('*').set_pattern("%*%v");
        logger->set_formatter(std::move(formatter));
    } else {
        logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
    }
    logger->set_level(spdlog::level::from_str(level));
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(std::move(logger));
}

} // namespace mg::service
