#include "gateway/sim/http_handler.hpp"

#include "gateway/sim/controller.hpp"
#include "gateway/sim/http_control.hpp"
#include "gateway/sim/json.hpp"
#include "gateway/sim/url.hpp"

#include <optional>

namespace mg::sim {
namespace {

http_reply json_reply(unsigned status, std::string body) {
    return {status, std::move(body), "application/json", {}};
}

http_reply error_reply(unsigned status, std::string_view message) {
    return json_reply(
        status, json::object_text([&](json::writer& w) { json::field_str(w, "error", message); }));
}

struct credentials {
    std::string user;
    std::string password;
};

// JSON or form body; `username` is current, `user` the older spelling (quirk 14).
std::optional<credentials> read_credentials(const http_request& request) {
    const bool is_json = request.content_type.find("json") != std::string_view::npos ||
                         request.body.starts_with('{');
    if (is_json) {
        rapidjson::Document doc;
        if (!json::parse_object(doc, request.body))
            return std::nullopt;
        auto user = json::get_string(doc, "username");
        if (!user)
            user = json::get_string(doc, "user");
        const auto password = json::get_string(doc, "password");
        if (!user || !password)
            return std::nullopt;
        return credentials{std::string(*user), std::string(*password)};
    }
    const auto form = parse_form(request.body);
    auto user = form.find("username");
    if (user == form.end())
        user = form.find("user");
    const auto password = form.find("password");
    if (user == form.end() || password == form.end())
        return std::nullopt;
    return credentials{user->second, password->second};
}

// Firmware differs here; the switch picks one behaviour (see options.hpp).
http_reply wrong_credentials(controller& owner, const http_request& request) {
    switch (owner.answers().wrong_credentials) {
    case wrong_credentials_answer::unauthorized:
        return error_reply(401, "wrong username or password");
    case wrong_credentials_answer::forbidden:
        return error_reply(403, "wrong username or password");
    case wrong_credentials_answer::no_token:
        return error_reply(200, "wrong username or password");
    case wrong_credentials_answer::redirect:
        break;
    }
    // As the docs' prose says: back to the referring page, not a 401. (Built without a
    // one-character literal assignment: GCC 12 at -O3 reports a false -Wrestrict on that.)
    return {302, {}, "text/html",
            request.referer.empty() ? std::string("/") : std::string(request.referer)};
}

// The answer to /api/* without a live bearer token, as the switch says (see options.hpp).
http_reply not_authorised(controller& owner) {
    switch (owner.answers().expired_token) {
    case expired_token_answer::redirect:
        return {302, {}, "text/html", "/login"};
    case expired_token_answer::body:
        return json_reply(200, R"({"redirect":"/login"})");
    case expired_token_answer::unauthorized:
        break;
    }
    return error_reply(401, "a valid bearer token is required");
}

constexpr std::string_view bearer_prefix = "Bearer ";

// Whether the call may go ahead; `token` is set to the live token when security is on.
bool authorised(controller& owner, const http_request& request, std::string& token) {
    if (!owner.auth().enabled())
        return true;
    if (request.authorization.starts_with(bearer_prefix))
        token = request.authorization.substr(bearer_prefix.size());
    return owner.auth().use_token(token, controller::clock::now());
}

http_reply authenticate(controller& owner, const http_request& request) {
    auto& stats = owner.stats();
    ++stats.auth_calls;
    const auto creds = read_credentials(request);
    if (!creds) {
        ++stats.auth_failures;
        return error_reply(400, "username and password are required");
    }
    std::optional<std::string> token;
    if (owner.auth().enabled())
        token = owner.auth().authenticate(creds->user, creds->password, controller::clock::now());
    else
        token = "security-disabled"; // nothing checks tokens then; answer like a success
    if (!token) {
        ++stats.auth_failures;
        return wrong_credentials(owner, request);
    }
    return json_reply(
        200, json::object_text([&](json::writer& w) { json::field_str(w, "token", *token); }));
}

// The request name a GET /api/<path> maps to.
std::string_view api_request_name(std::string_view path) {
    if (path == "time")
        return "current_time";
    if (path == "dali_interfaces")
        return "dali_interface";
    return path;
}

http_reply api_get(controller& owner, const http_request& request, std::string_view path,
                   std::string_view query) {
    std::string token;
    if (!authorised(owner, request, token))
        return not_authorised(owner);
    if (path == "api_version")
        return json_reply(200, R"({"version":12})");
    // Query parameters become the members of a request message, as on the WebSocket.
    rapidjson::Document message(rapidjson::kObjectType);
    for (const auto& [name, value] : parse_form(query))
        message.AddMember(rapidjson::Value(name.c_str(), message.GetAllocator()),
                          rapidjson::Value(value.c_str(), message.GetAllocator()),
                          message.GetAllocator());
    const auto data = owner.model().reply_data(api_request_name(path), message);
    if (!data)
        return error_reply(path == "output" ? 400 : 404, "no such endpoint or missing parameter");
    rapidjson::Document body;
    if (token.empty() || !json::parse_object(body, *data))
        return json_reply(200, *data);
    // Each authenticated request hands back a fresh token (here: the refreshed one).
    body.AddMember("token", rapidjson::Value(token.c_str(), body.GetAllocator()),
                   body.GetAllocator());
    return json_reply(200, json::to_text(body));
}

// Every call is recorded with its answer, so tests can check exactly what a client sent.
http_reply api_control(controller& owner, const http_request& request, std::string_view name) {
    std::string token;
    auto reply = authorised(owner, request, token)
                     ? handle_http_control(owner, request.method, name, request.body)
                     : not_authorised(owner);
    owner.record_http_call({std::string(request.method), std::string(request.target),
                            std::string(request.content_type), std::string(request.body),
                            request.authorization.starts_with(bearer_prefix), reply.status});
    return reply;
}

} // namespace

http_reply handle_http(controller& owner, const http_request& request) {
    ++owner.stats().http_requests;
    const auto [path, query] = split_target(request.target);
    if (path == "/authenticate")
        return request.method == "POST" ? authenticate(owner, request)
                                        : error_reply(405, "use POST");
    constexpr std::string_view api = "/api/";
    if (path.starts_with(api))
        return request.method == "GET" ? api_get(owner, request, path.substr(api.size()), query)
                                       : api_control(owner, request, path.substr(api.size()));
    if (path == "/query")
        return error_reply(400, "WebSocket upgrade required");
    return error_reply(404, "not found");
}

} // namespace mg::sim
