#include "gateway/service/probe_report.hpp"

#include <algorithm>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace mg::service {

std::string_view to_string(probe_step::result r) {
    switch (r) {
    case probe_step::result::ok:
        return "ok";
    case probe_step::result::fail:
        return "FAIL";
    case probe_step::result::odd:
        return "odd";
    }
    return "?";
}

int probe_exit_code(const probe_report& report) {
    const bool failed = std::any_of(report.steps.begin(), report.steps.end(), [](const auto& s) {
        return s.outcome == probe_step::result::fail;
    });
    return failed ? 1 : 0;
}

std::string format_text(const probe_report& report) {
    std::size_t width = 0;
    for (const auto& s : report.steps)
        width = std::max(width, s.name.size());
    std::string out = "probe " + report.controller + " (" + report.url + ")\n";
    for (const auto& s : report.steps) {
        auto result = std::string(to_string(s.outcome));
        result.resize(5, ' ');
        auto name = s.name;
        name.resize(width + 2, ' ');
        auto ms = std::to_string(s.ms) + " ms";
        if (ms.size() < 9)
            ms.insert(0, 9 - ms.size(), ' ');
        out += result + name + ms;
        if (!s.note.empty())
            out += "  " + s.note;
        out += '\n';
    }
    const auto fact = [&](std::string_view label, const std::string& value) {
        if (value.empty())
            return;
        auto l = std::string(label);
        l.resize(13, ' ');
        out += "  " + l + value + '\n';
    };
    out += "learnt:\n";
    fact("hardware", report.hardware);
    fact("serial", report.serial);
    fact("firmware", report.firmware);
    fact("project", report.project);
    if (!report.fingerprint.empty())
        fact("fingerprint", report.fingerprint + "  (tls.fingerprint_sha256)");
    out += probe_exit_code(report) == 0 ? "result: ok\n" : "result: FAIL\n";
    return out;
}

std::string format_json(const probe_report& report) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    const auto text = [&](const char* key, const std::string& value) {
        w.Key(key);
        w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
    };
    w.StartObject();
    text("controller", report.controller);
    text("url", report.url);
    w.Key("steps");
    w.StartArray();
    for (const auto& s : report.steps) {
        w.StartObject();
        text("name", s.name);
        text("result", std::string(to_string(s.outcome)));
        w.Key("ms");
        w.Int64(s.ms);
        text("note", s.note);
        w.EndObject();
    }
    w.EndArray();
    text("hardware", report.hardware);
    text("serial", report.serial);
    text("firmware", report.firmware);
    text("project", report.project);
    text("fingerprint", report.fingerprint);
    w.Key("ok");
    w.Bool(probe_exit_code(report) == 0);
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

} // namespace mg::service
