#include "gateway/sim/catalogue_data.hpp"

#include "gateway/sim/json.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>

namespace mg::sim {
namespace {

// The simulated site sits at UTC+1, like the documented log example.
constexpr int utc_offset_min = 60;

const auto process_start = std::chrono::steady_clock::now();

std::string system_data(std::string_view hardware, std::size_t index) {
    const bool atlas = hardware.starts_with("Atlas");
    const bool msc_x = hardware == "MSC X";
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::field_str(w, "hardware_type", hardware);
    json::field_int(w, "channel_capacity", atlas ? 768000 : msc_x ? 8192 : 1024);
    json::field_str(w, "serial_number", "00906" + std::to_string(index));
    json::field_str(w, "memory_total", atlas ? "6982288 KB" : "12790Kb");
    json::field_str(w, "memory_used", atlas ? "522244 KB" : "4560Kb");
    json::field_str(w, "memory_available", atlas ? "6460044 KB" : "8230Kb");
    json::field_str(w, "lua_memory_used", "120Kb");
    json::field_str(w, "lua_memory_allowed", "2048Kb");
    json::field_str(w, "storage_size", "3063 MB");
    json::field_str(w, "bootloader_version", "V5.0.0.17 R1.8.0.SR.1");
    json::field_str(w, "firmware_version", "2.15.0");
    json::field_str(w, "reset_reason", "Hardware Reset");
    json::field_str(w, "last_boot_time", "04 Aug 2025 09:00:00");
    json::field_str(w, "ip_address", "127.0.0.1");
    json::field_str(w, "subnet_mask", "255.0.0.0");
    json::field_str(w, "broadcast_address", "127.255.255.255");
    json::field_str(w, "default_gateway", "0.0.0.0");
    w.EndObject();
    return json::text(buffer);
}

std::string controller_data(std::string_view hardware, std::size_t index) {
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::key(w, "controllers");
    w.StartArray();
    for (int num = 1; num <= 2; ++num) {
        w.StartObject();
        json::field_int(w, "num", num);
        json::field_str(w, "type", hardware);
        json::field_str(w, "name", "Controller " + std::to_string(num));
        json::field_str(w, "serial", "0090" + std::to_string(num + 5) + std::to_string(index));
        // Empty for the queried controller itself, as documented.
        json::field_str(w, "ip_address", num == 1 ? "" : "192.168.1.12");
        json::field_bool(w, "online", num == 1);
        json::field_bool(w, "is_network_primary", num == 1);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return json::text(buffer);
}

std::string temperature_data(std::string_view hardware) {
    if (hardware.starts_with("Atlas"))
        return R"({"sys_temp":40,"core1_temp":52,"cc_temp":47,"gpu_temp":55})";
    if (hardware == "MSC X")
        return R"({"sys_temp":41,"core1_temp":48,"cc_temp":45})";
    return "{}"; // nothing is documented for plain MSC
}

std::string fan_speed_data(std::string_view hardware) {
    if (hardware == "MSC")
        return R"({"fan_speed":false})";
    return R"({"fan_speed":{"fan_1":2200,"fan_2":2150}})";
}

constexpr std::string_view network_adapters_json =
    R"({"adapters":[{"name":"mgmt","connected":true,"capturing":false,"ipAddress":"127.0.0.1",)"
    R"("subnetMask":"255.0.0.0","defaultGateway":"0.0.0.0"},{"name":"protocol","connected":false,)"
    R"("capturing":false,"ipAddress":"10.0.0.2","subnetMask":"255.0.0.0",)"
    R"("defaultGateway":"0.0.0.0"}]})";

constexpr std::string_view protocol_json =
    R"({"outputs":[{"type":1,"name":"DMX","disabled":false,"universes":[{"name":"DMX 1",)"
    R"("key":{"index":1}}]},{"type":4,"name":"Art-Net","disabled":false,"universes":[)"
    R"({"name":"Art-Net 0:0:1","key":{"index":1}},{"name":"Art-Net 0:0:2","key":{"index":2}}]},)"
    R"({"type":64,"name":"RIO DMX","disabled":false,"universes":[{"name":"Lobby RIO",)"
    R"("key":{"remote_device_num":1,"remote_device_type":102}}]}]})";

constexpr std::string_view input_json =
    R"({"gpio":[{"input":1,"type":"Digital","value":false},{"input":2,"type":"Analog","value":37},)"
    R"({"input":3,"type":"Contact Closure","value":true},{"input":4,"type":"Digital",)"
    R"("value":false}],"dmxIn":{"error":"No DMX received","dmxInFrame":[],"dmxInSourceCount":1,)"
    R"("dmxInProtocol":"dmx"}})";

constexpr std::string_view config_json =
    R"({"ip":"127.0.0.1","subnet_mask":"255.0.0.0","gateway":"0.0.0.0","dhcp_enabled":false,)"
    R"("name_server_1":"0.0.0.0","name_server_2":"0.0.0.0","http_port":80,"https_port":443,)"
    R"("datetime":"2025-08-04T10:07","watchdog_enabled":true,"log_level":3,)"
    R"("syslog_enabled":false,"syslog_ip":"0.0.0.0","ntp_enabled":false,"ntp_ip":"0.0.0.0"})";

struct trigger_row {
    std::string_view type;
    int num;
    std::string_view name;
    std::string_view text;
    std::string_view action;
};
constexpr std::array<trigger_row, 3> triggers{
    {{"Startup", 1, "Startup", "At startup", "Start Timeline 1"},
     {"Timeline Started", 2, "Timeline 1 started", "Timeline 1 started", "Set Text Slot room"},
     {"Timed", 3, "Evening", "At 18:00 every day", "Start Scene 2"}}};

bool name_selected(const rapidjson::Value* names, std::string_view name) {
    if (names == nullptr)
        return true;
    if (names->IsArray()) {
        for (const auto& n : names->GetArray())
            if (n.IsString() && std::string_view{n.GetString(), n.GetStringLength()} == name)
                return true;
        return false;
    }
    if (!names->IsString())
        return false;
    std::string_view list{names->GetString(), names->GetStringLength()};
    while (true) {
        const auto comma = list.find(',');
        if (list.substr(0, comma) == name)
            return true;
        if (comma == std::string_view::npos)
            return false;
        list.remove_prefix(comma + 1);
    }
}

} // namespace

std::optional<std::string> fixed_reply_data(std::string_view name, std::string_view hardware,
                                            std::size_t index) {
    if (name == "network_adapters")
        return std::string(network_adapters_json);
    if (name == "system")
        return system_data(hardware, index);
    if (name == "project")
        return R"({"name":"Simulated Show","author":"mosaic-sim","filename":"simulated_show.pd2",)"
               R"("unique_id":"{6b48627a-0000-4000-8000-00000000000)" +
               std::to_string(index % 10) + R"(}","upload_date":"2025-01-30T15:19:08"})";
    if (name == "controller")
        return controller_data(hardware, index);
    if (name == "temperature")
        return temperature_data(hardware);
    if (name == "fan_speed")
        return fan_speed_data(hardware);
    if (name == "protocol")
        return std::string(protocol_json);
    if (name == "input")
        return std::string(input_json);
    if (name == "dali_interface")
        return R"([{"id":1,"name":"DALI Interface 1"}])"; // a bare array, as the HTTP body is
    if (name == "replication")
        return R"({"name":"Default Replication","unique_id":"{0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0}"})";
    if (name == "config")
        return std::string(config_json);
    return std::nullopt;
}

std::string current_time_data() {
    using namespace std::chrono;
    const auto local = system_clock::now() + minutes(utc_offset_min);
    const std::time_t t = system_clock::to_time_t(local);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::array<char, 32> datetime{};
    const auto n = std::strftime(datetime.data(), datetime.size(), "%d %b %Y %H:%M:%S", &tm);
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::field_str(w, "datetime", std::string_view{datetime.data(), n});
    // Documented as milliseconds, but the documented value is seconds-sized (quirk 12).
    json::field_int(w, "local_time", static_cast<std::int64_t>(t));
    json::field_int(w, "uptime",
                    duration_cast<milliseconds>(steady_clock::now() - process_start).count());
    w.EndObject();
    return json::text(buffer);
}

std::string output_data(std::string_view universe, const std::vector<int>& group_levels) {
    constexpr int channels = 512;
    constexpr int channels_per_group = 8;
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::key(w, "channels");
    w.StartArray();
    for (int ch = 0; ch < channels; ++ch) {
        const auto g = static_cast<std::size_t>(ch / channels_per_group);
        if (universe == "dmx:1" && g < group_levels.size())
            json::string(w, std::to_string(group_levels[g] * 255 / 100));
        else
            json::string(w, " "); // unpatched
    }
    w.EndArray();
    json::field_bool(w, "disabled", false);
    w.EndObject();
    return json::text(buffer);
}

std::string text_slot_data(const rapidjson::Value& message,
                           const std::vector<text_slot_state>& slots) {
    const auto* names = json::member(message, "names");
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::key(w, "text_slots");
    w.StartArray();
    for (const auto& slot : slots) {
        if (!name_selected(names, slot.name))
            continue;
        w.StartObject();
        json::field_str(w, "name", slot.name);
        json::field_str(w, "value", slot.value);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return json::text(buffer);
}

bool trigger_exists(int num) {
    return std::any_of(triggers.begin(), triggers.end(),
                       [num](const trigger_row& t) { return t.num == num; });
}

std::string trigger_data(const rapidjson::Value& message) {
    const auto type = json::get_string(message, "type");
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::key(w, "triggers");
    w.StartArray();
    for (const auto& t : triggers) {
        if (type && *type != t.type)
            continue;
        w.StartObject();
        json::field_str(w, "type", t.type);
        json::field_int(w, "num", t.num);
        json::field_str(w, "name", t.name);
        json::field_str(w, "group", "#e18383");
        json::field_str(w, "description", "");
        json::field_str(w, "trigger_text", t.text);
        json::key(w, "conditions");
        w.StartArray();
        w.EndArray();
        json::key(w, "actions");
        w.StartArray();
        w.StartObject();
        json::field_str(w, "text", t.action);
        w.EndObject();
        w.EndArray();
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return json::text(buffer);
}

std::string playback_group_data(const num_filter& filter) {
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::key(w, "playback_groups");
    w.StartArray();
    for (int num = 1; num <= 2; ++num) {
        if (!filter.matches(num))
            continue;
        w.StartObject();
        json::field_int(w, "num", num);
        json::field_str(w, "name", num == 1 ? "A" : "B");
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return json::text(buffer);
}

} // namespace mg::sim
