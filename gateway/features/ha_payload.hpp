#pragma once
// Home Assistant device-based discovery payloads (README "Home Assistant"), pure:
// what a controller's project holds in, the retained config text out.
//
// One config per controller at <prefix>/device/mosaic_<serial>/config, one for the gateway at
// <prefix>/device/mosaic_gw_<site>/config. The root holds only `device`, `origin`, `components`
// and the availability shared by every component; each component holds `platform`, `unique_id`
// (mosaic_<serial>_<kind>_<number or key>: no site, controller or object name, so renames never
// duplicate entities) and the project object's own name, never prefixed by the device name.

#include "gateway/features/topic_scheme.hpp"

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mg::features::ha {

// What is fixed for one gateway.
struct discovery_site {
    std::string prefix = "homeassistant";
    std::string site;
    topic_scheme topics{"mosaic", "site"};
};

// One controller as the discovery payload sees it: the site file's settings and what its
// replies told.
struct controller_model {
    std::string name;              // the controller's name in the site file: the device name
    std::string configuration_url; // the controller's own web page
    bool read_only = false;        // no entity that commands
    bool beacon = true;            // the beacon channel is subscribed
    bool log = true;               // the log channel is subscribed

    // From the `system` reply.
    std::string serial;
    std::string hardware_type;
    std::string firmware_version;

    // Project objects: number -> name (empty names get "Timeline 3" and the like).
    std::map<int, std::string> groups;
    std::map<int, std::string> timelines;
    std::map<int, std::string> scenes;
    std::map<int, std::string> triggers;
    std::vector<std::string> text_slots;   // slot names
    std::vector<std::string> temperatures; // keys of the temperature reply, like sys_temp
};

// A component as the device config names it: its key in `components` and its platform.
struct component_ref {
    std::string key;
    std::string platform;
    bool operator==(const component_ref&) const = default;
    auto operator<=>(const component_ref&) const = default;
};

std::string gateway_identifier(std::string_view site);      // mosaic_gw_<site>
std::string controller_identifier(std::string_view serial); // mosaic_<serial>
// <prefix>/device/<identifier>/config
std::string config_topic(std::string_view prefix, std::string_view identifier);

// The gateway's own device: a connectivity sensor on P/gateway/status.
std::string gateway_config(const discovery_site& site);

// The components controller_config writes for `c`, in the order it writes them.
std::vector<component_ref> components_of(const controller_model& c);

// The controller's device config. `removed` components are written as {"platform": ...}
// alone, which is how Home Assistant is told to delete them before they leave the payload.
std::string controller_config(const discovery_site& site, const controller_model& c,
                              std::span<const component_ref> removed = {});

} // namespace mg::features::ha
