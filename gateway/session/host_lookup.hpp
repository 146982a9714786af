#pragma once
// The address lookup before a connection to a controller (CONTRACT §4 rule 2). An IP literal
// needs none. A name is looked up on a thread of its own and bounded by a time-out: Asio's
// resolver runs every getaddrinfo of the process on one background thread, so one dead DNS
// name would hold up the lookups of every other controller behind it, and a stop could not
// finish before getaddrinfo gave up.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mg::session {

using endpoints = std::vector<boost::asio::ip::tcp::endpoint>;

// A blocking lookup, run off the event loop: getaddrinfo unless a test supplies another.
using resolve_function = std::function<endpoints(const std::string& host, std::uint16_t port,
                                                 boost::system::error_code& ec)>;
resolve_function system_resolve();

class host_lookup {
public:
    using handler = std::function<void(boost::system::error_code, endpoints)>;

    explicit host_lookup(boost::asio::any_io_executor executor,
                         resolve_function resolve = system_resolve());
    ~host_lookup();
    host_lookup(const host_lookup&) = delete;
    host_lookup& operator=(const host_lookup&) = delete;

    // `done` runs once, through the executor: with the addresses, the lookup's error,
    // boost::asio::error::timed_out after `timeout`, or operation_aborted after cancel().
    void async_lookup(const std::string& host, std::uint16_t port,
                      std::chrono::steady_clock::duration timeout, handler done);
    // Ends the pending lookup and every later one with operation_aborted; a lookup thread
    // still blocked in getaddrinfo finishes on its own and its answer is dropped.
    void cancel();

private:
    struct pending;
    boost::asio::any_io_executor executor_;
    resolve_function resolve_;
    std::weak_ptr<pending> pending_;
    bool cancelled_ = false;
};

} // namespace mg::session
