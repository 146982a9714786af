#include "gateway/session/http_connection.hpp"

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace mg::session {

http_connection::http_connection(net::any_io_executor executor,
                                 const config::controller_settings& target,
                                 std::shared_ptr<net::ssl::context> tls_context)
    : target_(target), tls_context_(std::move(tls_context)), lookup_(executor) {
    if (tls_context_) {
        stream_ = std::make_unique<tls_stream>(executor, *tls_context_);
        check_.emplace(target_.tls, target_.host);
    } else {
        stream_ = std::make_unique<beast::tcp_stream>(executor);
    }
}

beast::tcp_stream& http_connection::tcp() {
    return std::visit([](auto& s) -> beast::tcp_stream& { return beast::get_lowest_layer(*s); },
                      stream_);
}

void http_connection::open(open_handler done) {
    auto* tls = std::holds_alternative<std::unique_ptr<tls_stream>>(stream_)
                    ? std::get<std::unique_ptr<tls_stream>>(stream_).get()
                    : nullptr;
    async_connect(lookup_, tcp(), tls, check_ ? &*check_ : nullptr, target_,
                  [self = shared_from_this(), done = std::move(done)](error_code ec,
                                                                      std::string_view step) {
                      self->open_ = !ec;
                      done(ec, step);
                  });
}

void http_connection::send(request req, response_handler done) {
    request_ = std::move(req);
    request_.set(http::field::host, host_header(target_));
    request_.set(http::field::user_agent, "mosaic-gateway/" MG_VERSION);
    request_.prepare_payload();
    response_ = {};
    pending_ = std::move(done);
    if (observer_) {
        protocol::traffic t;
        t.what = protocol::traffic::kind::http_request;
        t.controller = target_.name;
        t.text = request_.body();
        t.method = request_.method_string();
        t.path = request_.target();
        observer_(t);
    }
    tcp().expires_after(target_.request_timeout);
    std::visit(
        [&](auto& s) {
            http::async_write(*s, request_,
                              [self = shared_from_this()](error_code ec, std::size_t) {
                                  self->on_write(ec);
                              });
        },
        stream_);
}

void http_connection::on_write(error_code ec) {
    if (ec)
        return on_read(ec);
    std::visit(
        [&](auto& s) {
            http::async_read(*s, buffer_, response_,
                             [self = shared_from_this()](error_code ec, std::size_t) {
                                 self->on_read(ec);
                             });
        },
        stream_);
}

void http_connection::on_read(error_code ec) {
    tcp().expires_never();
    if (observer_ && pending_) {
        protocol::traffic t;
        t.what = protocol::traffic::kind::http_response;
        t.controller = target_.name;
        t.method = request_.method_string();
        t.path = request_.target();
        const auto why = ec == beast::error::timeout ? std::string("no answer within request_timeout")
                                                     : ec.message();
        if (!ec) {
            t.status = response_.result_int();
            t.text = response_.body();
        } else {
            t.error = why;
        }
        observer_(t);
    }
    if (ec || !response_.keep_alive())
        close();
    if (pending_)
        std::exchange(pending_, nullptr)(ec, std::move(response_));
}

void http_connection::close() {
    open_ = false;
    lookup_.cancel();
    close_now(tcp());
}

} // namespace mg::session
