#!/usr/bin/env python3
"""Renders discovery templates the way Home Assistant does, with Jinja2's immutable sandbox.

Usage: ha_templates.py CASES.json

CASES.json: {"configs": {"<name>": <device config object>, ...},
             "cases": [{"config", "component", "option", "payload", "expect"}, ...]}
Each case renders components[component][option] with `value` (the payload text) and
`value_json` (the payload parsed, when it is JSON). `expect` is compared with the output; when
`expect` is an object, the output is parsed as JSON first (json_attributes_template, event
value_template). Exit status 0 when every case holds; each failure is printed.
"""
import json
import sys

from jinja2.sandbox import ImmutableSandboxedEnvironment


def render(template, payload):
    env = ImmutableSandboxedEnvironment()
    variables = {"value": payload}
    try:
        variables["value_json"] = json.loads(payload)
    except ValueError:
        pass
    return env.from_string(template).render(**variables)


def main(path):
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    failures = 0
    for case in spec["cases"]:
        config = spec["configs"][case["config"]]
        template = config["components"][case["component"]][case["option"]]
        label = f'{case["config"]}/{case["component"]}.{case["option"]} on {case["payload"]!r}'
        try:
            out = render(template, case["payload"])
            got = json.loads(out) if isinstance(case["expect"], dict) else out
        except Exception as e:  # a template HA could not render is a failure like any other
            print(f"FAIL {label}: {type(e).__name__}: {e}")
            failures += 1
            continue
        if got != case["expect"]:
            print(f"FAIL {label}: got {got!r}, expected {case['expect']!r}")
            failures += 1
    print(f"{len(spec['cases']) - failures}/{len(spec['cases'])} template cases hold")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
