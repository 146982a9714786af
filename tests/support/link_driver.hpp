#pragma once
// Feeds frames through a real link and hands its events to features, as a session would.

#include "gateway/features/feature.hpp"
#include "gateway/protocol/catalogue.hpp"
#include "gateway/protocol/link.hpp"
#include "tests/support/fake_controller.hpp"
#include "tests/support/manual_clock.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace mg::test {

class link_driver {
public:
    // Subscribes to every mapped channel unless told which; the link then also requests the
    // state of those that can be requested, right after the polls.
    explicit link_driver(std::vector<features::feature*> features,
                         std::vector<protocol::poll_settings> polls = {},
                         std::optional<std::vector<std::string>> channels = std::nullopt)
        : features_(std::move(features)),
          link_(settings(std::move(polls), std::move(channels)), clock_) {
        for (auto* f : features_)
            f->on_controller_added(controller, context);
        forward(link_.start());
        forward(link_.on_opened());
    }

    void text(std::string_view frame) { forward(link_.on_text(frame)); }
    void request(std::string_view name, std::string_view params, std::uint64_t tag) {
        forward(link_.request(name, params, tag));
    }
    void advance(protocol::duration d) {
        clock_.advance(d);
        forward(link_.on_timeout());
    }
    void close() { forward(link_.on_closed("dropped")); }

    // The frames the link sent, in order.
    std::vector<std::string> sent;
    fake_controller controller{"lobby"};
    features::controller_context context;

    // Whether a frame the link sent contains `text`.
    bool sent_containing(std::string_view text) const {
        return std::any_of(sent.begin(), sent.end(), [&](const std::string& frame) {
            return frame.find(text) != std::string::npos;
        });
    }

private:
    static protocol::link_settings settings(std::vector<protocol::poll_settings> polls,
                                            std::optional<std::vector<std::string>> channels) {
        protocol::link_settings s;
        if (channels)
            s.channels = std::move(*channels);
        else
            s.channels.assign(protocol::mapped_channels.begin(), protocol::mapped_channels.end());
        s.polls = std::move(polls);
        return s;
    }

    void forward(const protocol::link_actions& actions) {
        for (const auto& a : actions) {
            if (const auto* f = std::get_if<protocol::send_frame>(&a)) {
                sent.push_back(f->text);
                continue;
            }
            const auto event = protocol::to_event(a);
            if (!event)
                continue;
            for (auto* feature : features_)
                feature->on_event(controller, *event);
        }
    }

    std::vector<features::feature*> features_;
    manual_clock clock_;
    protocol::link link_;
};

} // namespace mg::test
