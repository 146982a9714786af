#include "gateway/protocol/frame.hpp"

#include "gateway/protocol/json_access.hpp"
#include "gateway/protocol/json_limits.hpp"

#include <algorithm>

namespace mg::protocol {
namespace {

frame invalid(std::string_view why) {
    frame f;
    f.error = why;
    return f;
}

} // namespace

frame frame_parser::parse_text(std::string_view text) {
    document_.SetNull();
    pool_.Clear();
    if (!nesting_within(text, max_frame_depth))
        return invalid("JSON nested too deeply");
    document_.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
    if (document_.HasParseError())
        return invalid("not valid JSON");
    if (!document_.IsObject())
        return invalid("not a JSON object");

    frame f;
    f.token = token_of(document_);
    if (document_.HasMember("redirect")) {
        f.kind = frame_kind::redirect;
        return f;
    }
    f.broadcast = string_member(document_, "broadcast");
    f.request = string_member(document_, "request");
    if (const auto id = document_.FindMember("id"); id != document_.MemberEnd()) {
        if (id->value.IsUint64())
            f.id = id->value.GetUint64();
    }
    if (const auto data = document_.FindMember("data"); data != document_.MemberEnd())
        f.data = &data->value;

    if (f.data) {
        f.kind = frame_kind::message;
        return f;
    }
    // A keep-alive is acknowledged with {}; a token refresh may ride along with it.
    const auto size = document_.MemberCount() - (document_.HasMember("token") ? 1 : 0);
    if (size == 0) {
        f.kind = frame_kind::keepalive_ack;
        return f;
    }
    return invalid("no data member");
}

frame frame_parser::parse_binary(std::span<const std::uint8_t> bytes) {
    if (bytes.empty())
        return invalid("empty binary frame");
    frame f;
    const bool zero =
        std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
    f.kind = zero ? frame_kind::session_expired : frame_kind::session_key;
    return f;
}

std::string_view channel_from_data(const rapidjson::Value& data) {
    if (!data.IsObject())
        return {};
    if (data.HasMember("remote_devices"))
        return "remote_device";
    if (data.HasMember("content_targets"))
        return "content_target";
    if (data.HasMember("instances") || data.HasMember("modules"))
        return "io_module";
    if (data.HasMember("log"))
        return "log";
    return {};
}

} // namespace mg::protocol
