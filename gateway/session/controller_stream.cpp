#include "gateway/session/controller_stream.hpp"

#include "gateway/config/url.hpp"

#include <boost/asio/error.hpp>
#include <memory>
#include <openssl/ssl.h>

namespace mg::session {

std::string host_header(const config::controller_settings& target) {
    if (target.port == (target.secure ? 443 : 80))
        return config::host_for_url(target.host);
    return config::host_and_port(target.host, target.port);
}

std::string connect_failure(std::string_view step, error_code ec, std::string_view tls_failure) {
    if (!tls_failure.empty())
        return std::string(step) + " failed: " + std::string(tls_failure);
    if (step == "resolve" && ec == net::error::timed_out)
        return "resolve failed: no address within request_timeout";
    return std::string(step) + " failed: " + ec.message();
}

namespace {

// The chain of one connection attempt; each step holds the chain alive through `self`.
struct connect_chain : std::enable_shared_from_this<connect_chain> {
    host_lookup& lookup;
    beast::tcp_stream& tcp;
    tls_stream* tls;
    certificate_check* check;
    const config::controller_settings& target;
    connect_handler done;

    connect_chain(host_lookup& l, beast::tcp_stream& t, tls_stream* s, certificate_check* c,
                  const config::controller_settings& target, connect_handler d)
        : lookup(l), tcp(t), tls(s), check(c), target(target), done(std::move(d)) {}

    void start() {
        lookup.async_lookup(target.host, target.port, target.request_timeout,
                            [self = shared_from_this()](error_code ec, endpoints found) {
                                self->on_resolve(ec, std::move(found));
                            });
    }

    void on_resolve(error_code ec, endpoints results) {
        if (ec)
            return done(ec, "resolve");
        tcp.expires_after(target.request_timeout);
        tcp.async_connect(results,
                          [self = shared_from_this()](error_code ec, net::ip::tcp::endpoint) {
                              self->on_connect(ec);
                          });
    }

    void on_connect(error_code ec) {
        if (ec)
            return done(ec, "connect");
        error_code ignored;
        tcp.socket().set_option(net::ip::tcp::no_delay(true), ignored);
        if (!tls) {
            tcp.expires_never();
            return done({}, {});
        }
        // SNI only carries names, never addresses (RFC 6066).
        error_code not_address;
        net::ip::make_address(target.host, not_address);
        if (not_address)
            SSL_set_tlsext_host_name(tls->native_handle(), target.host.c_str());
        tls->set_verify_callback(*check);
        tcp.expires_after(target.request_timeout);
        tls->async_handshake(net::ssl::stream_base::client,
                             [self = shared_from_this()](error_code ec) {
                                 self->tcp.expires_never();
                                 self->done(ec, ec ? "TLS handshake" : "");
                             });
    }
};

} // namespace

void async_connect(host_lookup& lookup, beast::tcp_stream& tcp, tls_stream* tls,
                   certificate_check* check, const config::controller_settings& target,
                   connect_handler done) {
    std::make_shared<connect_chain>(lookup, tcp, tls, check, target, std::move(done))->start();
}

void close_now(beast::tcp_stream& tcp) {
    error_code ignored;
    tcp.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    tcp.close();
}

} // namespace mg::session
