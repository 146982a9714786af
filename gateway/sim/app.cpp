#include "gateway/sim/app.hpp"

#include "gateway/sim/control_api.hpp"
#include "gateway/sim/control_server.hpp"
#include "gateway/sim/controller.hpp"
#include "gateway/sim/http_session.hpp"
#include "gateway/sim/json.hpp"
#include "gateway/sim/listener.hpp"
#include "gateway/sim/log.hpp"
#include "gateway/sim/tls.hpp"

namespace mg::sim {

sim_app::sim_app(boost::asio::io_context& ioc, options opts)
    : ioc_(ioc), opts_(std::move(opts)), tick_timer_(ioc) {
    if (opts_.tls) {
        const auto identity = make_self_signed_identity();
        tls_ = std::make_shared<boost::asio::ssl::context>(make_server_context(identity));
        fingerprint_ = identity.fingerprint;
    }
    const auto address = boost::asio::ip::make_address(opts_.bind);
    for (std::size_t i = 0; i < opts_.controllers; ++i) {
        controller_config config{i,
                                 opts_.hardware,
                                 opts_.max_connections,
                                 opts_.users,
                                 opts_.token_idle,
                                 opts_.seed,
                                 opts_.http_idle,
                                 opts_.flood_rate,
                                 opts_.flood_count,
                                 opts_.expired_token,
                                 opts_.wrong_credentials};
        auto c = std::make_shared<controller>(ioc_.get_executor(), std::move(config));
        const auto port = opts_.port == 0 ? 0 : static_cast<std::uint16_t>(opts_.port + i);
        auto l = std::make_shared<listener>(ioc_, boost::asio::ip::tcp::endpoint(address, port),
                                            [c, tls = tls_](boost::asio::ip::tcp::socket socket) {
                                                serve_controller_connection(c, std::move(socket),
                                                                            tls.get());
                                            });
        c->set_port(l->port());
        controllers_.push_back(std::move(c));
        listeners_.push_back(std::move(l));
    }
    control_ = std::make_unique<control_server>(
        ioc_, boost::asio::ip::tcp::endpoint(address, opts_.control_port),
        std::make_shared<control_api>(controllers_));
}

sim_app::~sim_app() = default;

void sim_app::start() {
    for (const auto& l : listeners_)
        l->run();
    control_->run();
    if (opts_.tick.count() > 0)
        schedule_tick();
    log_info(std::to_string(controllers_.size()) + " controller(s) (" + opts_.hardware + ", " +
             (opts_.users.empty() ? "no security" : "security on") + (opts_.tls ? ", TLS" : "") +
             ") on " + opts_.bind + "; control API on port " + std::to_string(control_port()));
}

void sim_app::stop() {
    tick_timer_.cancel();
    for (const auto& l : listeners_)
        l->stop();
    control_->stop();
    for (const auto& c : controllers_)
        c->shutdown();
}

std::string sim_app::ready_line() const {
    return json::object_text([this](json::writer& w) {
        json::field_bool(w, "ready", true);
        json::key(w, "ports");
        w.StartArray();
        for (const auto port : ports())
            w.Uint(port);
        w.EndArray();
        json::key(w, "control_port");
        w.Uint(control_port());
        if (!fingerprint_.empty())
            json::field_str(w, "fingerprint", fingerprint_);
    });
}

std::vector<std::uint16_t> sim_app::ports() const {
    std::vector<std::uint16_t> ports;
    for (const auto& c : controllers_)
        ports.push_back(c->port());
    return ports;
}

std::uint16_t sim_app::control_port() const {
    return control_->port();
}

void sim_app::schedule_tick() {
    tick_timer_.expires_after(opts_.tick);
    tick_timer_.async_wait([this](const boost::system::error_code& ec) { on_tick(ec); });
}

void sim_app::on_tick(const boost::system::error_code& ec) {
    if (ec)
        return fail(ec, "tick");
    for (const auto& c : controllers_)
        c->tick();
    schedule_tick();
}

} // namespace mg::sim
