#include "gateway/protocol/control.hpp"

namespace mg::protocol {

std::string_view to_string(command_outcome outcome) {
    switch (outcome) {
    case command_outcome::ok:
        return "ok";
    case command_outcome::rejected:
        return "rejected";
    case command_outcome::failed:
        return "failed";
    case command_outcome::expired:
        return "expired";
    case command_outcome::no_budget:
        return "no_budget";
    }
    return "unknown";
}

} // namespace mg::protocol
