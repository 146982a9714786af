// mosaic-gateway: bridges Mosaic lighting controllers to MQTT.

#include "gateway/config/load.hpp"
#include "gateway/mqtt/paho_sink.hpp"
#include "gateway/service/command_line.hpp"
#include "gateway/service/gateway.hpp"
#include "gateway/service/logging.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <iostream>
#include <spdlog/spdlog.h>

namespace {

constexpr int exit_clean = 0;
constexpr int exit_runtime_error = 1;
constexpr int exit_usage = 2;

int run(const mg::config::site_config& site) {
    boost::asio::io_context loop;
    mg::features::topic_scheme topics(site.mqtt.base_topic, site.site);
    mg::mqtt::paho_sink sink(loop.get_executor(), site.mqtt, topics.gateway("status"));
    mg::service::gateway bridge(loop.get_executor(), site, sink, [&sink] {
        return mg::features::mqtt_counters{sink.published(), sink.dropped(), sink.reconnects(),
                                           sink.buffered()};
    });

    boost::asio::signal_set signals(loop, SIGINT, SIGTERM);
    boost::asio::steady_timer shutdown_deadline(loop);
    signals.async_wait([&](boost::system::error_code ec, int signal) {
        if (ec)
            return;
        spdlog::info("signal {}: stopping", signal);
        bridge.stop();
        sink.stop([&] { loop.stop(); });
        // A broker that does not answer must not keep the process from exiting.
        shutdown_deadline.expires_after(std::chrono::seconds(5));
        shutdown_deadline.async_wait([&](boost::system::error_code) { loop.stop(); });
    });

    spdlog::info("mosaic-gateway {} for site {}: {} controller(s), broker {}", MG_VERSION,
                 site.site, site.controllers.size(), site.mqtt.url);
    sink.start();
    bridge.start();
    loop.run();
    return exit_clean;
}

} // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    const auto parsed = mg::service::parse_command_line(args);
    if (const auto* error = std::get_if<mg::service::usage_error>(&parsed)) {
        std::cerr << "mosaic-gateway: " << error->message << "\n\n" << mg::service::usage_text();
        return exit_usage;
    }
    const auto& cli = std::get<mg::service::command_line>(parsed);
    using mode = mg::service::command_line::mode;
    if (cli.action == mode::version) {
        std::cout << "mosaic-gateway " << MG_VERSION << "\n";
        return exit_clean;
    }
    if (cli.action == mode::help) {
        std::cout << mg::service::usage_text();
        return exit_clean;
    }

    mg::config::site_config site;
    try {
        site = mg::config::load_site_config(cli.config_path);
    } catch (const mg::config::config_error& e) {
        std::cerr << e.what() << "\n";
        return exit_usage;
    }
    if (cli.action == mode::check) {
        std::cout << mg::config::summarize(site);
        return exit_clean;
    }

    try {
        mg::service::setup_logging(cli.log_level.value_or(site.logging.level));
        return run(site);
    } catch (const std::exception& e) {
        spdlog::critical("fatal: {}", e.what());
        return exit_runtime_error;
    }
}
