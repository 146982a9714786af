// MQTT `C/.../set` commands, as any client allowed to publish to the broker can send them. The
// input is a topic suffix, a newline, then the payload; it is parsed as that command and, as a
// payload, for every command topic, and the control feature handles it end to end.

#include "gateway/features/commands.hpp"
#include "gateway/features/control.hpp"
#include "tests/support/fake_controller.hpp"
#include "tests/support/recording_sink.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto newline = input.find('\n');
    const auto suffix = input.substr(0, newline);
    const auto payload =
        newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);

    mg::features::command_context known;
    known.group_levels[1] = 40;
    known.target_levels["primary"] = 60;
    known.beacon = true;
    (void)mg::features::parse_command(suffix, payload, known);
    for (const auto* topic :
         {"timeline/1/set", "timeline/set", "scene/2/set", "scene/set", "group/0/set",
          "content_target/Target 3/set", "trigger/2/set", "text_slot/welcome/set", "beacon/set"})
        (void)mg::features::parse_command(topic, input, known);

    // What the controller's state looks like to the context, from the same bytes.
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(payload.data(), payload.size());
    if (!doc.HasParseError() && size <= 4096) {
        for (const auto* channel : {"group", "content_target", "beacon"})
            known.learn(channel, doc);
    }

    mg::test::recording_sink sink;
    const mg::features::topic_scheme topics{"mosaic", "fuzz"};
    mg::test::fake_controller lobby{"lobby"};
    mg::features::answers answers{sink, topics};
    mg::features::control control{sink, topics, answers};
    control.start();
    control.on_controller_added(lobby, {});
    sink.deliver({topics.controller("lobby") + "/" + std::string(suffix), std::string(payload),
                  "reply/fuzz", "corr"});
    for (const auto& c : lobby.commands)
        control.on_event(lobby,
                         mg::protocol::command_result{
                             c.tag, mg::protocol::command_outcome::rejected, 400, payload, {}});
    return 0;
}
