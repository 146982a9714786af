#include "gateway/config/warnings.hpp"

namespace mg::config {

std::vector<std::string> warnings(const site_config& config) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < config.controllers.size(); ++i) {
        const auto& c = config.controllers[i];
        // POST /authenticate carries the password in its body: over ws:// that is plain HTTP,
        // readable by anyone on the path to the controller.
        if (c.has_credentials() && !c.secure)
            out.push_back("controllers[" + std::to_string(i) + "] " + c.name +
                          ": username and password go to the controller unencrypted over ws://; "
                          "use a wss:// url");
    }
    return out;
}

} // namespace mg::config
