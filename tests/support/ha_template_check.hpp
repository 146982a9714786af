#pragma once
// Runs tests/features/ha_templates.py: renders discovery templates with Jinja2, the engine Home
// Assistant uses, over given state payloads.

#include <map>
#include <string>
#include <vector>

namespace mg::test {

struct template_case {
    std::string config;    // key into the configs map
    std::string component; // key inside the config's components
    std::string option;    // state_value_template, value_template, ...
    std::string payload;   // the state topic's payload
    std::string expect;    // rendered text, or JSON object text when expect_json
    bool expect_json = false;
};

// configs: name -> device config JSON text. Returns the script's output; `ok` tells whether every
// case held.
std::string check_templates(const std::map<std::string, std::string>& configs,
                            const std::vector<template_case>& cases, bool& ok);

} // namespace mg::test
