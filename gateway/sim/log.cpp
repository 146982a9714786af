#include "gateway/sim/log.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/error.hpp>
#include <iostream>

namespace mg::sim {
namespace {

bool is_ordinary_disconnect(const boost::system::error_code& ec) {
    namespace error = boost::asio::error;
    return ec == error::operation_aborted || ec == error::eof || ec == error::connection_reset ||
           ec == error::broken_pipe || ec == error::bad_descriptor || ec == error::not_connected ||
           ec == boost::beast::websocket::error::closed ||
           ec == boost::beast::http::error::end_of_stream ||
           ec == boost::asio::ssl::error::stream_truncated;
}

} // namespace

void log_info(std::string_view text) {
    std::cerr << "mosaic-sim: " << text << '\n';
}

void fail(const boost::system::error_code& ec, std::string_view what) {
    if (is_ordinary_disconnect(ec))
        return;
    std::cerr << "mosaic-sim: " << what << ": " << ec.message() << '\n';
}

} // namespace mg::sim
