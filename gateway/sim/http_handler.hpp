#pragma once
// Plain HTTP on a controller's port: POST /authenticate, GET /api/<request> and the control calls
// (http_control.hpp). Transport-free so the rules can be read (and tested) without Beast.

#include <string>
#include <string_view>

namespace mg::sim {

class controller;

struct http_request {
    std::string_view method;
    std::string_view target;
    std::string_view content_type;
    std::string_view authorization;
    std::string_view referer;
    std::string_view body;
};

struct http_reply {
    unsigned status = 200;
    std::string body;
    std::string content_type = "application/json"; // empty: no body, no Content-Type
    std::string location; // set for redirects
};

http_reply handle_http(controller& owner, const http_request& request);

} // namespace mg::sim
