#pragma once
// The contract's topic layout: P = <base_topic>/<site>, C = P/<controller>.

#include <string>
#include <string_view>

namespace mg::features {

class topic_scheme {
public:
    topic_scheme(std::string_view base_topic, std::string_view site)
        : root_(std::string(base_topic) + "/" + std::string(site)) {}

    const std::string& root() const { return root_; }
    std::string gateway(std::string_view leaf) const {
        return root_ + "/gateway/" + std::string(leaf);
    }
    std::string controller(std::string_view name) const { return root_ + "/" + std::string(name); }
    std::string controller(std::string_view name, std::string_view leaf) const {
        return controller(name) + "/" + std::string(leaf);
    }

private:
    std::string root_;
};

} // namespace mg::features
