// mosaic-gateway: bridges Mosaic lighting controllers to MQTT.

#include "gateway/config/load.hpp"
#include "gateway/config/warnings.hpp"
#include "gateway/mqtt/paho_sink.hpp"
#include "gateway/service/capture_file.hpp"
#include "gateway/service/command_line.hpp"
#include "gateway/service/gateway.hpp"
#include "gateway/service/logging.hpp"
#include "gateway/service/metrics_server.hpp"
#include "gateway/service/probe.hpp"
#include "gateway/service/site_reload.hpp"
#include "gateway/service/systemd_notifier.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <algorithm>
#include <iostream>
#include <optional>
#include <spdlog/spdlog.h>
#include <utility>
#include <variant>

namespace {

void log_warnings(const mg::config::site_config& site) {
    for (const auto& warning : mg::config::warnings(site))
        spdlog::warn("{}", warning);
}

constexpr int exit_clean = 0;
constexpr int exit_runtime_error = 1;
constexpr int exit_usage = 2;

class gateway_daemon {
public:
    gateway_daemon(const mg::service::command_line& cli, const mg::config::site_config& site,
                   std::shared_ptr<mg::service::capture_file> capture)
        : cli_(cli), capture_(std::move(capture)), topics_(site.mqtt.base_topic, site.site),
          sink_(loop_.get_executor(), site.mqtt, topics_.gateway("status")),
          bridge_(loop_.get_executor(), site, sink_,
                  [this] {
                      return mg::features::mqtt_counters{sink_.published(), sink_.dropped(),
                                                         sink_.reconnects(), sink_.buffered(),
                                                         sink_.connected()};
                  }),
          notifier_(loop_.get_executor(), [this] { return status_line(); }) {
        if (capture_)
            bridge_.observe_traffic(mg::service::capture_file::observer(capture_));
        if (site.metrics)
            metrics_.emplace(loop_.get_executor(), *site.metrics,
                             mg::service::metrics_server::handlers{
                                 [this](std::string& out) { bridge_.write_metrics(out); },
                                 [this](std::string& out) { return bridge_.write_health(out); },
                                 [this](std::string& out) { bridge_.write_status(out); }});
    }

    int run() {
        stop_signals_.async_wait([this](boost::system::error_code ec, int signal) {
            if (!ec)
                stop(signal);
        });
        wait_for_reload();
        sink_.on_connection_change = [this](bool up) {
            if (up)
                bridge_.broker_connected();
            else
                bridge_.broker_lost();
        };
        sink_.start();
        bridge_.start();
        if (metrics_)
            metrics_->start();
        notifier_.ready();
        loop_.run();
        return exit_clean;
    }

private:
    std::string status_line() const {
        return std::to_string(bridge_.controllers_live()) + "/" +
               std::to_string(bridge_.controllers_total()) + " controllers live, broker " +
               (sink_.connected() ? "connected" : "disconnected");
    }

    void stop(int signal) {
        spdlog::info("signal {}: stopping", signal);
        notifier_.stopping();
        reload_signal_.cancel();
        loader_.cancel();
        if (metrics_)
            metrics_->stop();
        bridge_.stop();
        sink_.stop([this] { loop_.stop(); });
        // A broker that does not answer must not keep the process from exiting.
        shutdown_deadline_.expires_after(std::chrono::seconds(5));
        shutdown_deadline_.async_wait([this](boost::system::error_code) { loop_.stop(); });
    }

    void wait_for_reload() {
        reload_signal_.async_wait([this](boost::system::error_code ec, int) {
            if (ec)
                return;
            reload();
            wait_for_reload();
        });
    }

    // A SIGHUP: the file is loaded without holding up the loop (site_reload), then applied as
    // a whole or refused as a whole. One load at a time; a SIGHUP during one loads again after.
    void reload() {
        if (loader_.running()) {
            reload_again_ = true;
            return;
        }
        notifier_.reloading();
        spdlog::info("reloading {}", cli_.config_path);
        loader_.start(cli_.config_path, [this](mg::service::site_reload::result loaded) {
            if (auto* error = std::get_if<std::string>(&loaded))
                refuse_reload(*error);
            else
                apply_reload(std::get<mg::config::site_config>(loaded));
            notifier_.ready();
            if (std::exchange(reload_again_, false))
                reload();
        });
    }

    void apply_reload(const mg::config::site_config& site) {
        if (capture_)
            capture_->add_credentials(site);
        mg::service::gateway::prepared_reload prepared;
        try {
            prepared = bridge_.prepare_reload(site);
        } catch (const std::exception& e) {
            refuse_reload(cli_.config_path + ": error: " + e.what());
            return;
        }
        try {
            bridge_.apply_reload(std::move(prepared));
        } catch (const std::exception& e) {
            // Not expected: everything that reads a file happened in prepare_reload.
            spdlog::error("reload of {} failed while applying: {}", cli_.config_path, e.what());
            return;
        }
        if (!cli_.log_level)
            spdlog::set_level(spdlog::level::from_str(site.logging.level));
        spdlog::info("reloaded {}", cli_.config_path);
        log_warnings(site);
    }

    void refuse_reload(const std::string& error) {
        spdlog::error("reload refused, keeping the running configuration: {}", error);
        bridge_.note("reload refused: the new site file has an error (see the log); the "
                     "running configuration stays");
    }

    const mg::service::command_line& cli_;
    std::shared_ptr<mg::service::capture_file> capture_;
    boost::asio::io_context loop_;
    mg::features::topic_scheme topics_;
    mg::mqtt::paho_sink sink_;
    mg::service::gateway bridge_;
    mg::service::systemd_notifier notifier_;
    std::optional<mg::service::metrics_server> metrics_;
    boost::asio::signal_set stop_signals_{loop_, SIGINT, SIGTERM};
    boost::asio::signal_set reload_signal_{loop_, SIGHUP};
    boost::asio::steady_timer shutdown_deadline_{loop_};
    mg::service::site_reload loader_{loop_.get_executor()};
    bool reload_again_ = false;
};

// --capture FILE, opened once logging is set up; a file that cannot be opened is a usage error.
std::optional<std::shared_ptr<mg::service::capture_file>>
open_capture(const mg::service::command_line& cli, const mg::config::site_config& site) {
    if (cli.capture_path.empty())
        return nullptr;
    try {
        auto capture =
            std::make_shared<mg::service::capture_file>(cli.capture_path, cli.capture_max);
        capture->add_credentials(site);
        return capture;
    } catch (const std::exception& e) {
        std::cerr << "mosaic-gateway: " << e.what() << "\n";
        return std::nullopt;
    }
}

// --probe NAME: exit 0 when everything worked, 1 when a step failed, 2 for an unknown name.
int probe(const mg::service::command_line& cli, const mg::config::site_config& site) {
    const auto& controllers = site.controllers;
    const auto target = std::find_if(controllers.begin(), controllers.end(),
                                     [&](const auto& c) { return c.name == cli.probe; });
    if (target == controllers.end()) {
        std::string names;
        for (const auto& c : controllers)
            names += (names.empty() ? "" : ", ") + c.name;
        std::cerr << "mosaic-gateway: " << cli.config_path << " has no controller named '"
                  << cli.probe << "'; its controllers: " << names << "\n";
        return exit_usage;
    }
    // The report goes to stdout; the session code's own log lines stay quiet unless asked for.
    mg::service::setup_logging(cli.log_level.value_or("warn"));
    const auto capture = open_capture(cli, site);
    if (!capture)
        return exit_usage;
    try {
        mg::service::probe_settings settings;
        settings.listen = cli.probe_time;
        if (*capture)
            settings.observer = mg::service::capture_file::observer(*capture);
        const auto report = mg::service::run_probe(*target, settings);
        std::cout << (cli.probe_json ? mg::service::format_json(report)
                                     : mg::service::format_text(report));
        return mg::service::probe_exit_code(report);
    } catch (const std::exception& e) {
        std::cerr << "mosaic-gateway: probe " << cli.probe << ": " << e.what() << "\n";
        return exit_runtime_error;
    }
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
    } catch (const std::exception& e) {
        // The YAML parser's trial process could not be started (config/yaml_trial.hpp).
        std::cerr << "mosaic-gateway: " << e.what() << "\n";
        return exit_runtime_error;
    }
    if (cli.action == mode::check) {
        std::cout << mg::config::summarize(site);
        return exit_clean;
    }
    if (cli.action == mode::probe)
        return probe(cli, site);

    try {
        mg::service::setup_logging(cli.log_level.value_or(site.logging.level));
        spdlog::info("mosaic-gateway {} for site {}: {} controller(s), broker {}", MG_VERSION,
                     site.site, site.controllers.size(), site.mqtt.url);
        log_warnings(site);
        const auto capture = open_capture(cli, site);
        if (!capture)
            return exit_usage;
        gateway_daemon d(cli, site, *capture);
        return d.run();
    } catch (const std::exception& e) {
        spdlog::critical("fatal: {}", e.what());
        return exit_runtime_error;
    }
}
