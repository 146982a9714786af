#include "gateway/session/host_lookup.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <mutex>
#include <system_error>
#include <thread>

namespace mg::session {

namespace net = boost::asio;
using error_code = boost::system::error_code;

resolve_function system_resolve() {
    return [](const std::string& host, std::uint16_t port, error_code& ec) {
        // A resolver of its own on this thread: getaddrinfo, with Asio's error codes.
        net::io_context private_context;
        net::ip::tcp::resolver resolver(private_context);
        endpoints found;
        for (const auto& entry : resolver.resolve(host, std::to_string(port), ec))
            found.push_back(entry.endpoint());
        return found;
    };
}

// One lookup. Kept alive by its timer's wait, which always ends (expiry, an answer, a cancel);
// the lookup thread holds only the mailbox, so a thread that outlives the event loop touches
// nothing of it.
struct host_lookup::pending {
    struct mailbox {
        std::mutex mutex;
        std::function<void(error_code, endpoints)> deliver; // empty once the answer is unwanted
    };

    pending(net::any_io_executor executor, handler d) : timer(executor), done(std::move(d)) {}
    ~pending() { close_mailbox(); }

    void close_mailbox() {
        std::lock_guard lock(box->mutex);
        box->deliver = nullptr;
    }

    void finish(error_code ec, endpoints found) {
        if (!done)
            return;
        close_mailbox();
        timer.cancel();
        if (cancelled) {
            ec = net::error::operation_aborted;
            found.clear();
        }
        std::exchange(done, nullptr)(ec, std::move(found));
    }

    net::steady_timer timer;
    handler done;
    std::shared_ptr<mailbox> box = std::make_shared<mailbox>();
    bool cancelled = false;
};

host_lookup::host_lookup(net::any_io_executor executor, resolve_function resolve)
    : executor_(std::move(executor)), resolve_(std::move(resolve)) {}

host_lookup::~host_lookup() {
    if (const auto p = pending_.lock())
        p->close_mailbox();
}

void host_lookup::async_lookup(const std::string& host, std::uint16_t port,
                               std::chrono::steady_clock::duration timeout, handler done) {
    const auto p = std::make_shared<pending>(executor_, std::move(done));
    pending_ = p;
    p->cancelled = cancelled_;
    p->box->deliver = [executor = executor_, weak = std::weak_ptr<pending>(p)](error_code ec,
                                                                               endpoints found) {
        net::post(executor, [weak, ec, found = std::move(found)]() mutable {
            if (const auto p = weak.lock())
                p->finish(ec, std::move(found));
        });
    };
    p->timer.expires_after(timeout);
    p->timer.async_wait([p](error_code ec) {
        p->finish(ec == net::error::operation_aborted ? ec : net::error::timed_out, {});
    });
    if (cancelled_) {
        p->timer.cancel();
        return;
    }

    error_code not_literal;
    const auto address = net::ip::make_address(host, not_literal);
    if (!not_literal)
        return p->box->deliver({}, {net::ip::tcp::endpoint(address, port)});
    try {
        std::thread([box = p->box, resolve = resolve_, host, port] {
            error_code ec;
            auto found = resolve(host, port, ec);
            std::lock_guard lock(box->mutex);
            if (box->deliver)
                box->deliver(ec, std::move(found));
        }).detach();
    } catch (const std::system_error& e) {
        // No thread to spare: the lookup fails now rather than at its time-out.
        p->box->deliver(error_code(e.code().value(), boost::system::system_category()), {});
    }
}

void host_lookup::cancel() {
    cancelled_ = true;
    if (const auto p = pending_.lock()) {
        p->cancelled = true;
        p->close_mailbox();
        p->timer.cancel();
    }
}

} // namespace mg::session
