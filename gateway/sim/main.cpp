// mosaic-sim: simulated Mosaic controllers for the gateway's tests, demo and benchmarks.

#include "gateway/sim/app.hpp"
#include "gateway/sim/log.hpp"
#include "gateway/sim/options.hpp"
#include "gateway/sim/replay_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <exception>
#include <iostream>

namespace {

int run_replay(const mg::sim::options& opts) {
    using namespace mg::sim;
    try {
        boost::asio::io_context ioc{1};
        replay_server server(ioc, {opts.replay_file, opts.replay_controller, opts.replay_speed,
                                   opts.bind, opts.port, opts.tls});
        boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
        signals.async_wait([&](const boost::system::error_code& ec, int) {
            if (ec)
                return;
            log_info("stopping");
            server.stop();
            ioc.stop();
        });
        server.start();
        std::cout << server.ready_line() << std::endl;
        ioc.run();
    } catch (const usage_error& e) {
        std::cerr << "mosaic-sim: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "mosaic-sim: " << e.what() << '\n';
        return 1;
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    using namespace mg::sim;
    options opts;
    try {
        opts = parse_options(std::vector<std::string_view>(argv + 1, argv + argc));
    } catch (const usage_error& e) {
        std::cerr << "mosaic-sim: " << e.what() << "\n" << usage_text();
        return 2;
    }
    if (opts.help) {
        std::cout << usage_text();
        return 0;
    }
    if (!opts.replay_file.empty())
        return run_replay(opts);
    try {
        boost::asio::io_context ioc{1};
        sim_app app(ioc, opts);
        boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
        signals.async_wait([&](const boost::system::error_code& ec, int) {
            if (ec)
                return;
            log_info("stopping");
            // Sockets close synchronously in stop(); nothing else needs to run afterwards.
            app.stop();
            ioc.stop();
        });
        app.start();
        std::cout << app.ready_line() << std::endl;
        ioc.run();
    } catch (const std::exception& e) {
        std::cerr << "mosaic-sim: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
