#include "gateway/sim/ws_protocol.hpp"

#include "gateway/protocol/messages.hpp"
#include "gateway/sim/controller.hpp"
#include "gateway/sim/json.hpp"

namespace mg::sim {
namespace {

const ws_frame& empty_object_frame() {
    static const ws_frame frame = text_frame("{}");
    return frame;
}

// What query.js treats as "not authorised, log in here".
const ws_frame& redirect_frame() {
    static const ws_frame frame = text_frame(R"({"redirect":"/login"})");
    return frame;
}

const ws_frame& expired_key_frame() {
    static const ws_frame frame = binary_frame(std::string(16, '\0'));
    return frame;
}

ws_frame key_frame(const security::session_key& key) {
    return binary_frame(std::string(key.begin(), key.end()));
}

// The reply echoes `id` whatever its type; without an id there is none in the reply either.
std::string reply_frame(std::string_view name, const rapidjson::Value& message,
                        const std::string& data) {
    const auto* id = json::member(message, "id");
    if (id != nullptr && id->IsUint64())
        return protocol::reply_message(name, id->GetUint64(), data);
    return json::object_text([&](json::writer& w) {
        json::field_str(w, "request", name);
        if (id != nullptr) {
            json::key(w, "id");
            id->Accept(w);
        }
        json::key(w, "data");
        w.RawValue(data.data(), data.size(), rapidjson::kObjectType);
    });
}

} // namespace

void handle_client_text(controller& owner, std::uint64_t connection, std::string_view text) {
    auto& stats = owner.stats();
    ++stats.messages_in;
    rapidjson::Document message;
    if (!json::parse_object(message, text)) {
        ++stats.invalid_in;
        return;
    }
    const auto* subscribe = json::member(message, "subscribe");
    const auto* request = json::member(message, "request");
    if ((subscribe != nullptr && !subscribe->IsString()) ||
        (request != nullptr && !request->IsString())) {
        ++stats.invalid_in;
        return;
    }
    const bool keepalive = subscribe == nullptr && request == nullptr;
    if (keepalive)
        ++stats.keepalives_in;
    std::string_view request_name;
    if (request != nullptr) {
        request_name = {request->GetString(), request->GetStringLength()};
        ++stats.requests_by_name[std::string(request_name)];
    }

    if (owner.auth().enabled()) {
        const auto token = json::get_string(message, "token");
        bool valid = false;
        if (!token) {
            ++stats.messages_without_token;
        } else {
            valid = owner.auth().use_token(*token, controller::clock::now());
            if (!valid)
                ++stats.messages_bad_token;
        }
        if (keepalive) {
            owner.send(connection, valid ? key_frame(owner.auth().key()) : expired_key_frame());
            return;
        }
        if (!valid) {
            owner.send(connection, redirect_frame());
            return;
        }
    } else if (keepalive) {
        owner.send(connection, empty_object_frame());
        return;
    }

    if (subscribe != nullptr) {
        owner.subscribe(connection, {subscribe->GetString(), subscribe->GetStringLength()});
        return;
    }
    // Unknown requests get no reply at all: the docs define no error message.
    if (const auto data = owner.model().reply_data(request_name, message))
        owner.send(connection, text_frame(reply_frame(request_name, message, *data)));
}

void handle_client_binary(controller& owner, std::uint64_t /*connection*/) {
    ++owner.stats().messages_in;
    ++owner.stats().invalid_in;
}

} // namespace mg::sim
