#pragma once
// Fills a controller's discovery model from its request replies (docs/protocol.md §5.2), pure.

#include "gateway/features/ha_payload.hpp"

#include <rapidjson/document.h>
#include <string_view>

namespace mg::features::ha {

// How much of a kind a reply lists.
enum class reply_scope {
    whole,   // every object of the kind: objects it does not list are gone
    partial, // a filtered request (somebody's C/<request>/get with parameters): additions only
};

// Takes what a reply to `request` tells about the device or its project objects. Returns true
// when the model changed in a way the discovery payload shows.
bool apply_reply(controller_model& model, std::string_view request, const rapidjson::Value& data,
                 reply_scope scope);

} // namespace mg::features::ha
