#pragma once

#include "gateway/session/controller.hpp"

#include <string>
#include <vector>

namespace mg::test {

// Stands in for a controller session: remembers the requests features made.
class fake_controller final : public session::controller {
public:
    explicit fake_controller(std::string name) : name_(std::move(name)) {}

    struct sent_request {
        std::string name;
        std::string params_json;
        std::uint64_t tag;
    };

    const std::string& name() const override { return name_; }
    void request(std::string_view name, std::string_view params_json, std::uint64_t tag) override {
        requests.push_back({std::string(name), std::string(params_json), tag});
    }

    void command(protocol::http_call call, std::uint64_t tag) override {
        commands.push_back({std::move(call), tag});
    }

    struct sent_command {
        protocol::http_call call;
        std::uint64_t tag;
    };

    std::vector<sent_request> requests;
    std::vector<sent_command> commands;

private:
    std::string name_;
};

} // namespace mg::test
