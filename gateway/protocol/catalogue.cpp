#include "gateway/protocol/catalogue.hpp"

#include <algorithm>

namespace mg::protocol {
namespace {

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

} // namespace

bool is_channel(std::string_view name) {
    name = canonical_name(name);
    return contains(mapped_channels, name) || contains(raw_channels, name);
}

bool is_request(std::string_view name) {
    return contains(requests, canonical_name(name));
}

bool needs_parameters(std::string_view name) {
    name = canonical_name(name);
    return name == "output" || name == "lua";
}

std::string_view canonical_name(std::string_view name) {
    if (name == "remote-device")
        return "remote_device";
    if (name == "content-target")
        return "content_target";
    if (name == "io-module")
        return "io_module";
    return name;
}

} // namespace mg::protocol
