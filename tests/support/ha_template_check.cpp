#include "tests/support/ha_template_check.hpp"

#include "tests/support/temp_dir.hpp"

#include <array>
#include <cstdio>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/wait.h>

namespace mg::test {
namespace {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

void string(writer& w, const std::string& s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void raw(writer& w, const std::string& json) {
    w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
}

} // namespace

std::string check_templates(const std::map<std::string, std::string>& configs,
                            const std::vector<template_case>& cases, bool& ok) {
    rapidjson::StringBuffer buffer;
    writer w(buffer);
    w.StartObject();
    w.Key("configs");
    w.StartObject();
    for (const auto& [name, config] : configs) {
        string(w, name);
        raw(w, config);
    }
    w.EndObject();
    w.Key("cases");
    w.StartArray();
    for (const auto& c : cases) {
        w.StartObject();
        w.Key("config");
        string(w, c.config);
        w.Key("component");
        string(w, c.component);
        w.Key("option");
        string(w, c.option);
        w.Key("payload");
        string(w, c.payload);
        w.Key("expect");
        if (c.expect_json)
            raw(w, c.expect);
        else
            string(w, c.expect);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();

    const temp_dir dir("mg-ha-templates");
    const auto file = dir.write("cases.json", {buffer.GetString(), buffer.GetSize()});
    const std::string command = "python3 " + std::string(MG_SOURCE_DIR) +
                                "/tests/features/ha_templates.py " + file.string() + " 2>&1";
    std::string output;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) {
        ok = false;
        return "cannot run python3";
    }
    std::array<char, 4096> chunk{};
    while (const auto n = std::fread(chunk.data(), 1, chunk.size(), pipe))
        output.append(chunk.data(), n);
    const int status = pclose(pipe);
    ok = status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return output;
}

} // namespace mg::test
