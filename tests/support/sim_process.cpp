#include "tests/support/sim_process.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <thread>

namespace mg::test {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string binary(std::string_view name) { return std::string(MG_BIN_DIR) + "/" + std::string(name); }

} // namespace

sim_process::sim_process(std::vector<std::string> args) {
    std::vector<std::string> argv{binary("mosaic-sim"), "--port", "0", "--control-port", "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto output = dir_.path() / "sim.out";
    process_ = process(argv, {output.string(), {}, {}});

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
        std::istringstream lines(read_file(output));
        for (std::string line; std::getline(lines, line);) {
            if (line.rfind(R"({"ready":true)", 0) != 0)
                continue;
            rapidjson::Document ready;
            ready.Parse(line.c_str());
            for (const auto& p : ready["ports"].GetArray())
                ports_.push_back(static_cast<std::uint16_t>(p.GetUint()));
            control_port_ = static_cast<std::uint16_t>(ready["control_port"].GetUint());
            if (ready.HasMember("fingerprint"))
                fingerprint_ = ready["fingerprint"].GetString();
            return;
        }
        if (!process_.running())
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "mosaic-sim did not become ready:\n" << read_file(output);
}

sim_process::~sim_process() { process_.terminate(std::chrono::seconds(5)); }

std::string sim_process::url(std::size_t controller, std::string_view scheme) const {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(port(controller)) + "/query";
}

std::string sim_process::control(std::string_view method, std::string_view path,
                                 std::string_view body) {
    net::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(5));
    beast::error_code ec;
    stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), control_port_), ec);
    if (ec) {
        ADD_FAILURE() << "control connect: " << ec.message();
        return {};
    }
    http::request<http::string_body> request(http::string_to_verb(method), path, 11);
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::content_type, "application/json");
    request.body() = std::string(body);
    request.prepare_payload();
    http::write(stream, request, ec);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    if (!ec)
        http::read(stream, buffer, response, ec);
    if (ec) {
        ADD_FAILURE() << "control " << method << " " << path << ": " << ec.message();
        return {};
    }
    EXPECT_EQ(response.result_int(), 200u) << method << " " << path << ": " << response.body();
    return response.body();
}

rapidjson::Document sim_process::stats() {
    rapidjson::Document doc;
    const auto body = control("GET", "/stats");
    doc.Parse(body.c_str());
    return doc;
}

std::int64_t sim_process::counter(std::size_t controller, const char* name) {
    const auto doc = stats();
    if (!doc.IsObject() || !doc.HasMember("controllers"))
        return -1;
    const auto& c = doc["controllers"][static_cast<rapidjson::SizeType>(controller)];
    return c.HasMember(name) ? c[name].GetInt64() : -1;
}

std::int64_t sim_process::requests(std::size_t controller, const char* request) {
    const auto doc = stats();
    if (!doc.IsObject() || !doc.HasMember("controllers"))
        return -1;
    const auto& by_name = doc["controllers"][static_cast<rapidjson::SizeType>(controller)]["requests_by_name"];
    return by_name.HasMember(request) ? by_name[request].GetInt64() : 0;
}

std::int64_t sim_process::wait_requests(std::size_t controller, const char* request,
                                        std::int64_t count, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto seen = requests(controller, request);
    while (seen < count && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
        seen = requests(controller, request);
    }
    return seen;
}

std::int64_t sim_process::wait_counter(std::size_t controller, const char* name,
                                       const std::function<bool(std::int64_t)>& predicate,
                                       std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::int64_t value = counter(controller, name);
    while (!predicate(value) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
        value = counter(controller, name);
    }
    return value;
}

rapidjson::Document sim_process::http_calls(std::size_t controller) {
    rapidjson::Document doc;
    const auto body = control("GET", "/controllers/" + std::to_string(controller) + "/http-calls");
    doc.Parse(body.c_str());
    rapidjson::Document calls(rapidjson::kArrayType);
    if (doc.IsObject() && doc.HasMember("calls") && doc["calls"].IsArray())
        calls.CopyFrom(doc["calls"], calls.GetAllocator());
    return calls;
}

rapidjson::Document sim_process::wait_http_calls(std::size_t controller, std::size_t count,
                                                 std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto calls = http_calls(controller);
    while (calls.Size() < count && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
        calls = http_calls(controller);
    }
    return calls;
}

std::string sim_process::log() const { return read_file(dir_.path() / "sim.out"); }

gateway_process::gateway_process(std::string_view yaml, std::vector<std::string> extra_args,
                                 std::vector<std::pair<std::string, std::string>> env) {
    const auto config = dir_.write("site.yaml", yaml);
    std::vector<std::string> argv{binary("mosaic-gateway"), "-c", config.string()};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    process_ = process(argv, {(dir_.path() / "gateway.log").string(), std::move(env), {}});
}

gateway_process::~gateway_process() { process_.terminate(std::chrono::seconds(5)); }

int gateway_process::stop(std::chrono::milliseconds grace) { return process_.terminate(grace); }

std::string gateway_process::log() const { return read_file(dir_.path() / "gateway.log"); }

bool gateway_process::wait_for_log(std::string_view text, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (log().find(text) == std::string::npos) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

} // namespace mg::test
