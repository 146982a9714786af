#include "gateway/service/probe.hpp"

#include "gateway/config/url.hpp"
#include "gateway/protocol/catalogue.hpp"
#include "gateway/protocol/frame.hpp"
#include "gateway/protocol/messages.hpp"
#include "gateway/service/probe_shapes.hpp"
#include "gateway/session/authenticator.hpp"
#include "gateway/session/controller_stream.hpp"
#include "gateway/session/tls.hpp"
#include "gateway/session/websocket_connection.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <deque>
#include <map>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace mg::service {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
using steady = std::chrono::steady_clock;
using result = probe_step::result;

std::int64_t ms_since(steady::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - start).count();
}

std::string join(const std::vector<std::string>& notes) {
    std::string out;
    for (const auto& n : notes)
        out += (out.empty() ? "" : "; ") + n;
    return out;
}

std::string text_of(const rapidjson::Value& data, const char* key) {
    if (!data.IsObject())
        return {};
    const auto it = data.FindMember(key);
    return it != data.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string();
}

struct received {
    bool binary = false;
    std::string payload;
};

struct pending_request {
    std::string name;
    steady::time_point sent;
};

class prober {
public:
    prober(const config::controller_settings& target, const probe_settings& settings)
        : target_(target), settings_(settings),
          tls_(target.secure ? session::make_client_tls_context(target.tls) : nullptr) {
        report_.controller = target.name;
        report_.url = (target.secure ? "wss://" : "ws://") + session::host_header(target) +
                      target.path;
    }

    probe_report run() {
        if (connect() && authenticate() && open_websocket()) {
            if (keepalive() && requests())
                listen();
            close();
        }
        // Whatever is still pending (a read ended by the close) finishes here, not later.
        pump([] { return false; }, std::chrono::milliseconds(200));
        return std::move(report_);
    }

private:
    void step(std::string name, result r, steady::time_point start, std::string note) {
        report_.steps.push_back({std::move(name), r, ms_since(start), std::move(note)});
    }

    // Runs the loop until `done` holds, the loop runs out of work, or `limit` passes.
    template <class Done> bool pump(Done done, steady::duration limit) {
        const auto deadline = steady::now() + limit;
        while (!done()) {
            if (steady::now() >= deadline)
                return false;
            loop_.restart();
            if (loop_.run_one_until(deadline) == 0 && loop_.stopped() && steady::now() < deadline)
                return done(); // no work left: nothing more will happen
        }
        return true;
    }

    // TCP, and for wss:// the TLS handshake, on a connection of its own that is closed at once:
    // the certificate the controller presents is reported even when it does not pass the check.
    bool connect() {
        const auto start = steady::now();
        session::host_lookup lookup(loop_.get_executor());
        std::unique_ptr<session::tls_stream> tls;
        std::unique_ptr<beast::tcp_stream> plain;
        if (tls_)
            tls = std::make_unique<session::tls_stream>(loop_, *tls_);
        else
            plain = std::make_unique<beast::tcp_stream>(loop_);
        auto& tcp = tls ? beast::get_lowest_layer(*tls) : *plain;
        std::optional<session::error_code> outcome;
        std::string failed_step;
        session::async_connect(lookup, tcp, nullptr, nullptr, target_,
                               [&](session::error_code ec, std::string_view s) {
                                   outcome = ec;
                                   failed_step = s;
                               });
        pump([&] { return outcome.has_value(); }, target_.request_timeout * 2);
        const auto address = config::host_and_port(target_.host, target_.port);
        if (!outcome || *outcome) {
            step("connect", result::fail, start,
                 "TCP " + address + ": " + failed_step + " failed: " +
                     (outcome ? outcome->message() : "no answer"));
            session::close_now(tcp);
            return false;
        }
        if (!tls) {
            step("connect", result::ok, start, "TCP " + address);
            session::close_now(tcp);
            return true;
        }
        session::error_code not_address;
        net::ip::make_address(target_.host, not_address);
        if (not_address)
            SSL_set_tlsext_host_name(tls->native_handle(), target_.host.c_str());
        session::certificate_check check(target_.tls, target_.host);
        std::string presented;
        tls->set_verify_callback([&](bool preverified, net::ssl::verify_context& context) {
            auto* store = context.native_handle();
            if (X509_STORE_CTX_get_error_depth(store) == 0)
                presented =
                    session::certificate_fingerprint(X509_STORE_CTX_get_current_cert(store));
            return check(preverified, context);
        });
        std::optional<session::error_code> handshake;
        tcp.expires_after(target_.request_timeout);
        tls->async_handshake(net::ssl::stream_base::client,
                             [&](session::error_code ec) { handshake = ec; });
        pump([&] { return handshake.has_value(); }, target_.request_timeout * 2);
        session::close_now(tcp);
        report_.fingerprint = presented;
        const auto seen = presented.empty() ? std::string() : ", fingerprint " + presented;
        if (!handshake || *handshake) {
            const auto why = !check.failure().empty() ? check.failure()
                             : handshake              ? handshake->message()
                                                      : std::string("no answer");
            step("connect", result::fail, start, "TLS " + address + ": " + why + seen);
            return false;
        }
        step("connect", result::ok, start, "TCP and TLS " + address + seen);
        return true;
    }

    bool authenticate() {
        if (!target_.has_credentials())
            return true;
        const auto start = steady::now();
        std::optional<session::auth_result> outcome;
        session::authenticate(
            loop_.get_executor(), target_, tls_,
            [&](session::auth_result r) { outcome = std::move(r); }, settings_.observer);
        pump([&] { return outcome.has_value(); }, target_.request_timeout * 3);
        if (!outcome) {
            step("authenticate", result::fail, start, "no answer from POST /authenticate");
            return false;
        }
        switch (outcome->kind) {
        case session::auth_result::outcome::token:
            token_ = outcome->value;
            step("authenticate", result::ok, start,
                 "POST /authenticate gave a token for user " + target_.username);
            return true;
        case session::auth_result::outcome::rejected:
            step("authenticate", result::fail, start,
                 "wrong credentials for user " + target_.username + ": " + outcome->value);
            return false;
        case session::auth_result::outcome::failed:
            step("authenticate", result::fail, start, outcome->value);
            return false;
        }
        return false;
    }

    bool open_websocket() {
        const auto start = steady::now();
        ws_ = std::make_shared<session::websocket_connection>(loop_.get_executor(), target_, tls_);
        ws_->observe(settings_.observer);
        std::optional<session::error_code> outcome;
        std::string failed_step;
        ws_->open([&](session::error_code ec, std::string_view s) {
            outcome = ec;
            failed_step = s;
        });
        pump([&] { return outcome.has_value(); }, target_.request_timeout * 3);
        if (!outcome || *outcome) {
            const auto tls = ws_->tls_failure();
            step("websocket", result::fail, start,
                 failed_step + " failed: " +
                     (!tls.empty() ? tls : outcome ? outcome->message() : "no answer"));
            ws_->abort();
            return false;
        }
        ws_->read([this](session::error_code ec, std::string_view payload, bool binary) {
            if (ec) {
                if (!closing_ && !lost_)
                    lost_ = ec.message();
                return;
            }
            frames_.push_back({binary, std::string(payload)});
        });
        step("websocket", result::ok, start, report_.url);
        return true;
    }

    // A frame that is not the answer being waited for still counts: broadcasts per channel,
    // fresh tokens, a redirect or an expired session.
    enum class seen { other, keepalive_answer, session_over };

    seen take(const received& r) {
        if (r.binary) {
            const auto* bytes = reinterpret_cast<const std::uint8_t*>(r.payload.data());
            const auto f = protocol::frame_parser::parse_binary({bytes, r.payload.size()});
            if (f.kind == protocol::frame_kind::session_expired) {
                session_over_ = "the controller answered with an all-zero session key (session "
                                "expired)";
                return seen::session_over;
            }
            if (f.kind == protocol::frame_kind::session_key)
                last_key_length_ = r.payload.size();
            return seen::keepalive_answer;
        }
        const auto f = parser_.parse_text(r.payload);
        if (!f.token.empty())
            token_ = std::string(f.token);
        switch (f.kind) {
        case protocol::frame_kind::keepalive_ack:
            return seen::keepalive_answer;
        case protocol::frame_kind::redirect:
            session_over_ = "the controller answered with a redirect (not authorised)";
            return seen::session_over;
        case protocol::frame_kind::invalid:
            ++not_understood_;
            if (first_not_understood_.empty())
                first_not_understood_ = std::string(f.error);
            return seen::other;
        default:
            break;
        }
        // A reply to a pending request, by id, else by name (firmware that drops the id).
        auto it = f.id ? pending_.find(*f.id) : pending_.end();
        if (it == pending_.end() && !f.id && !f.request.empty() && f.broadcast.empty())
            for (auto p = pending_.begin(); p != pending_.end(); ++p)
                if (p->second.name == protocol::canonical_name(f.request)) {
                    it = p;
                    break;
                }
        if (it != pending_.end() && f.broadcast.empty()) {
            answered(it->second, *f.data);
            pending_.erase(it);
            return seen::other;
        }
        // A broadcast: named, or a request name nobody asked for, or known by its data keys.
        std::string_view channel = !f.broadcast.empty() ? f.broadcast : f.request;
        if (channel.empty())
            channel = protocol::channel_from_data(*f.data);
        channel = protocol::canonical_name(channel);
        if (channel.empty()) {
            ++not_understood_;
            if (first_not_understood_.empty())
                first_not_understood_ = "a message with neither broadcast nor request";
            return seen::other;
        }
        auto& tally = broadcasts_[std::string(channel)];
        ++tally.count;
        if (tally.odd.empty())
            tally.odd = join(broadcast_shape_differences(channel, *f.data));
        return seen::other;
    }

    void answered(const pending_request& request, const rapidjson::Value& data) {
        const auto odd = reply_shape_differences(request.name, data);
        step("request " + request.name, odd.empty() ? result::ok : result::odd, request.sent,
             join(odd));
        if (request.name == "system") {
            report_.hardware = text_of(data, "hardware_type");
            report_.serial = text_of(data, "serial_number");
            report_.firmware = text_of(data, "firmware_version");
        } else if (request.name == "project") {
            report_.project = text_of(data, "name");
        }
    }

    // Handles every frame that arrived; true when `want` was among them.
    bool drain(seen want) {
        bool found = false;
        while (!frames_.empty()) {
            const auto r = std::move(frames_.front());
            frames_.pop_front();
            const auto s = take(r);
            found = found || s == want;
        }
        return found;
    }

    bool session_failed(const std::string& name, steady::time_point start) {
        if (!session_over_.empty()) {
            step(name, result::fail, start, session_over_);
            return true;
        }
        if (lost_) {
            step(name, result::fail, start, "the controller closed the WebSocket: " + *lost_);
            return true;
        }
        return false;
    }

    bool keepalive() {
        const auto start = steady::now();
        ws_->send(protocol::keepalive_message(token_));
        bool answered = false;
        pump([&] { return (answered = answered || drain(seen::keepalive_answer)) ||
                          !session_over_.empty() || lost_; },
             target_.request_timeout);
        if (session_failed("keepalive", start))
            return false;
        if (!answered) {
            step("keepalive", result::fail, start, "no answer within request_timeout");
            return false;
        }
        std::string note = last_key_length_
                               ? "session key (" + std::to_string(last_key_length_) + " bytes)"
                               : std::string("{}");
        // Security on answers with a binary session key, security off with {} (docs/protocol.md §3.2).
        const bool expected = (last_key_length_ != 0) == target_.has_credentials();
        if (!expected)
            note += target_.has_credentials() ? ", expected a binary session key with security on"
                                              : ", expected {} with security off";
        step("keepalive", expected ? result::ok : result::odd, start, note);
        return true;
    }

    // Every request that needs no parameter, sent at once over the one WebSocket.
    bool requests() {
        for (const auto name : protocol::requests) {
            if (protocol::needs_parameters(name))
                continue;
            const auto id = next_id_++;
            pending_[id] = {std::string(name), steady::now()};
            ws_->send(protocol::request_message(name, id, "", token_));
        }
        const auto start = steady::now();
        pump([&] { drain(seen::other); return pending_.empty() || !session_over_.empty() || lost_; },
             target_.request_timeout);
        if (session_failed("requests", start))
            return false;
        for (const auto& [id, request] : pending_) {
            // Revisions of the functions table differ on whether io_module can be requested
            // (docs/protocol.md §5.8): no reply there is worth knowing, not a failure.
            if (request.name == "io_module")
                step("request io_module", result::odd, request.sent,
                     "no reply within request_timeout (this firmware may not answer io_module "
                     "requests)");
            else
                step("request " + request.name, result::fail, request.sent,
                     "no reply within request_timeout");
        }
        pending_.clear();
        return true;
    }

    // Every channel subscribed, then broadcasts counted for --probe-time, with keep-alives.
    void listen() {
        const auto start = steady::now();
        std::vector<std::string> channels;
        for (const auto c : protocol::mapped_channels)
            channels.emplace_back(c);
        for (const auto c : protocol::raw_channels)
            channels.emplace_back(c);
        for (const auto& c : channels) {
            broadcasts_[c];
            ws_->send(protocol::subscribe_message(c, token_));
        }
        const auto end = start + settings_.listen;
        auto next_keepalive = start + target_.keepalive;
        while (steady::now() < end && session_over_.empty() && !lost_) {
            const auto until = std::min(end, next_keepalive);
            pump([&] { drain(seen::other); return !session_over_.empty() || lost_.has_value(); },
                 until - steady::now());
            drain(seen::other);
            if (steady::now() >= next_keepalive) {
                ws_->send(protocol::keepalive_message(token_));
                next_keepalive += target_.keepalive;
            }
        }
        if (session_failed("listen", start))
            return;
        for (const auto& c : channels) {
            const auto& tally = broadcasts_[c];
            auto note = std::to_string(tally.count) +
                        (tally.count == 1 ? " broadcast" : " broadcasts");
            if (!tally.odd.empty())
                note += "; " + tally.odd;
            step("subscribe " + c, tally.odd.empty() ? result::ok : result::odd, start, note);
        }
        for (const auto& [channel, tally] : broadcasts_) {
            if (std::find(channels.begin(), channels.end(), channel) != channels.end())
                continue;
            step("broadcast " + channel, result::odd, start,
                 std::to_string(tally.count) + " on a channel the gateway does not know" +
                     (tally.odd.empty() ? "" : "; " + tally.odd));
        }
        if (not_understood_)
            step("frames", result::odd, start,
                 std::to_string(not_understood_) + " frame(s) not understood, the first: " +
                     first_not_understood_);
    }

    void close() {
        const auto start = steady::now();
        closing_ = true;
        bool closed = false;
        ws_->close([&] { closed = true; });
        pump([&] { return closed; }, std::chrono::seconds(2));
        if (!closed)
            ws_->abort();
        step("close", result::ok, start, closed ? "WebSocket closed" : "WebSocket torn down");
    }

    struct tally {
        std::uint64_t count = 0;
        std::string odd;
    };

    net::io_context loop_;
    const config::controller_settings& target_;
    const probe_settings& settings_;
    std::shared_ptr<net::ssl::context> tls_;
    probe_report report_;
    std::string token_;
    std::shared_ptr<session::websocket_connection> ws_;
    std::deque<received> frames_;
    protocol::frame_parser parser_;
    std::map<std::uint64_t, pending_request> pending_;
    std::uint64_t next_id_ = 1;
    std::map<std::string, tally> broadcasts_;
    bool closing_ = false;
    std::optional<std::string> lost_;
    std::string session_over_;
    std::size_t last_key_length_ = 0;
    std::uint64_t not_understood_ = 0;
    std::string first_not_understood_;
};

} // namespace

probe_report run_probe(const config::controller_settings& target, const probe_settings& settings) {
    return prober(target, settings).run();
}

} // namespace mg::service
