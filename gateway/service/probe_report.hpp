#pragma once
// What `--probe` found (README "Commissioning a site"): one line per step and the facts learnt,
// as text for a person or as one JSON object for a script. Pure.

#include <cstdint>
#include <string>
#include <vector>

namespace mg::service {

struct probe_step {
    enum class result { ok, fail, odd };
    std::string name;
    result outcome = result::ok;
    std::int64_t ms = 0;
    std::string note;
};

struct probe_report {
    std::string controller;
    std::string url;
    std::vector<probe_step> steps;
    // Learnt from the controller; empty when it did not say.
    std::string hardware;
    std::string serial;
    std::string firmware;
    std::string project;
    std::string fingerprint; // the certificate the controller presented over wss://
};

std::string_view to_string(probe_step::result r);

// 1 when a step failed, else 0 (odd answers still pass).
int probe_exit_code(const probe_report& report);

std::string format_text(const probe_report& report);
std::string format_json(const probe_report& report);

} // namespace mg::service
