#!/usr/bin/env python3
"""Start script of the mosaic-gateway Home Assistant add-on.

Turns the add-on's options (/data/options.json) and the MQTT broker the Supervisor provides
(its services API, http://supervisor/services/mqtt) into a site file, writes every password
to its own file (mode 0600; the site file names the files and holds no secret), and replaces
itself with the gateway.

Environment, for tests and for running outside Home Assistant:
  MG_ADDON_OPTIONS       the options file (default /data/options.json)
  MG_ADDON_DATA          where the site file and the secrets go (default /data)
  MG_ADDON_MQTT_SERVICE  a file holding the Supervisor's answer for the mqtt service, read
                         instead of asking the Supervisor
  MG_ADDON_GATEWAY       the gateway program (default mosaic-gateway)
With --write-only it writes the files, prints the site file's path and exits.
"""

import json
import os
import sys
import urllib.request

SUPERVISOR_MQTT = "http://supervisor/services/mqtt"


def fail(message):
    print(f"mosaic-gateway add-on: {message}", file=sys.stderr)
    sys.exit(2)


def read_options():
    path = os.environ.get("MG_ADDON_OPTIONS", "/data/options.json")
    try:
        with open(path, encoding="utf-8") as f:
            options = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"cannot read the options {path}: {e}")
    if not isinstance(options, dict):
        fail(f"{path}: expected a JSON object")
    return options


def mqtt_service():
    """The broker's host, port, ssl, protocol, username and password (bashio's services API
    answer): from the Supervisor, or from the file MG_ADDON_MQTT_SERVICE names."""
    sample = os.environ.get("MG_ADDON_MQTT_SERVICE")
    try:
        if sample:
            with open(sample, encoding="utf-8") as f:
                answer = json.load(f)
        else:
            token = os.environ.get("SUPERVISOR_TOKEN")
            if not token:
                fail("no SUPERVISOR_TOKEN: the add-on needs the Supervisor's mqtt service")
            request = urllib.request.Request(
                SUPERVISOR_MQTT, headers={"Authorization": f"Bearer {token}"}
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                answer = json.load(response)
    except (OSError, ValueError) as e:
        fail(f"cannot get the MQTT broker from the Supervisor: {e}")
    # The HTTP API wraps the data as {"result": "ok", "data": {...}}; bashio returns the data.
    if isinstance(answer, dict) and "result" in answer:
        if answer["result"] != "ok":
            fail(f"the Supervisor has no MQTT broker: {answer.get('message', answer)}")
        answer = answer.get("data")
    if not isinstance(answer, dict) or not answer.get("host") or not answer.get("port"):
        fail("the Supervisor's mqtt service names no broker (install the Mosquitto broker add-on)")
    return answer


def quoted(value):
    """A YAML double-quoted scalar: JSON's string syntax is a subset of YAML's."""
    return json.dumps(str(value), ensure_ascii=False)


def write_secret(directory, name, value):
    path = os.path.join(directory, name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(str(value))
    os.chmod(path, 0o600)
    return path


def site_file(options, broker, secrets):
    """The site file's text. Passwords are written to files under SECRETS."""
    lines = [
        "# Written by the add-on's start script from its options at every start; edit the",
        "# add-on's configuration, not this file.",
        f"site: {quoted(options.get('site', 'home'))}",
        "mqtt:",
    ]
    scheme = "mqtts" if broker.get("ssl") else "mqtt"
    host = str(broker["host"])
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    url = f"{scheme}://{host}:{int(broker['port'])}"
    lines.append(f"  url: {quoted(url)}")
    if broker.get("username"):
        lines.append(f"  username: {quoted(broker['username'])}")
    if broker.get("password"):
        path = write_secret(secrets, "mqtt", broker["password"])
        lines.append(f"  password_file: {quoted(path)}")
    protocol = str(broker.get("protocol", ""))
    if protocol.startswith("3"):
        lines.append("  protocol: 3")
    elif protocol.startswith("5"):
        lines.append("  protocol: 5")
    if options.get("base_topic"):
        lines.append(f"  base_topic: {quoted(options['base_topic'])}")

    lines.append("controllers:")
    controllers = options.get("controllers") or []
    if not controllers:
        lines[-1] = "controllers: []"
    for controller in controllers:
        name = str(controller.get("name", ""))
        lines.append(f"  - name: {quoted(name)}")
        lines.append(f"    url: {quoted(controller.get('url', ''))}")
        if controller.get("username"):
            lines.append(f"    username: {quoted(controller['username'])}")
        if controller.get("password"):
            # The name is checked by the options schema ([A-Za-z0-9_-]+): safe as a file name.
            if not name or "/" in name or name.startswith("."):
                fail(f"controller name {name!r} cannot name a file")
            path = write_secret(secrets, f"controller-{name}", controller["password"])
            lines.append(f"    password_file: {quoted(path)}")
        tls = []
        if controller.get("fingerprint_sha256"):
            tls.append(f"fingerprint_sha256: {quoted(controller['fingerprint_sha256'])}")
        if "verify_tls" in controller:
            tls.append(f"verify: {'true' if controller['verify_tls'] else 'false'}")
        if tls:
            lines.append("    tls: { " + ", ".join(tls) + " }")
        if "read_only" in controller:
            lines.append(f"    read_only: {'true' if controller['read_only'] else 'false'}")
        if controller.get("max_connections"):
            lines.append(f"    max_connections: {int(controller['max_connections'])}")

    # Discovery is on unless the options turn it off: the point of running inside Home Assistant.
    lines.append("homeassistant:")
    lines.append(f"  enabled: {'false' if options.get('discovery') is False else 'true'}")
    if options.get("discovery_prefix"):
        lines.append(f"  prefix: {quoted(options['discovery_prefix'])}")
    if options.get("metrics_port"):
        lines.append("metrics:")
        listen = f"0.0.0.0:{int(options['metrics_port'])}"
        lines.append(f"  listen: {quoted(listen)}")
    lines.append("logging:")
    lines.append(f"  level: {quoted(options.get('log_level', 'info'))}")
    return "\n".join(lines) + "\n"


def main():
    write_only = sys.argv[1:] == ["--write-only"]
    if sys.argv[1:] and not write_only:
        fail("usage: run.py [--write-only]")
    options = read_options()
    broker = mqtt_service()

    data = os.environ.get("MG_ADDON_DATA", "/data")
    base = os.path.join(data, "mosaic-gateway")
    secrets = os.path.join(base, "secrets")
    os.makedirs(secrets, mode=0o700, exist_ok=True)
    os.chmod(base, 0o700)
    os.chmod(secrets, 0o700)
    # Passwords of controllers no longer in the options do not stay behind.
    for name in os.listdir(secrets):
        os.remove(os.path.join(secrets, name))

    site = os.path.join(base, "site.yaml")
    text = site_file(options, broker, secrets)
    with open(site + ".new", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(site + ".new", site)

    if write_only:
        print(site)
        return
    gateway = os.environ.get("MG_ADDON_GATEWAY", "mosaic-gateway")
    sys.stdout.flush()
    os.execvp(gateway, [gateway, "-c", site])


if __name__ == "__main__":
    main()
