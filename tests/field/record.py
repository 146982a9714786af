#!/usr/bin/env python3
"""Records the field captures in this folder: for each scenario, a private mosquitto, a
mosaic-sim in the scenario's mode and the real gateway with --capture; the scenario's steps are
played through the simulator's control API and MQTT, then the broker's retained state under the
controller is written beside the capture as the state its replay must reproduce.

    tests/field/record.py [--build build] [NAME...]     (default: every scenario)

Writes <name>.jsonl (the capture), <name>.site.yaml (the site file, with ${MOSAIC_URL},
${MOSAIC_FINGERPRINT} and ${MQTT_URL} filled in by the test), <name>.expected.json (retained
topic under field/<name>/<controller>/ -> payload) and, when a scenario publishes commands,
<name>.commands.json (what the test publishes again, timed from the controller going online).
"""

import argparse
import asyncio
import json
import os
import pathlib
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import capture_proxy  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
CONTROLLER = "lobby"


def ctl(path, body):
    return ("control", path, body)


def wait(seconds):
    return ("wait", seconds)


def mqtt(topic, payload):
    return ("mqtt", topic, payload)


# A username and password that occur in no text of the controller's: the capture replaces them
# wherever they occur ("gateway" would turn the system reply's "default_gateway" into
# "default_<username>", and "wrong" the error text into "<password> username or password").
USER = "field-user"
SECURED = ["--user", USER + ":secret"]
WRONG = "x7-not-it"
LIVE = {"until": "online"}
CHANGES = [
    ctl("timeline", {"num": 1, "state": "running", "position": 5000, "onstage": True}),
    wait(0.3),
    ctl("scene", {"num": 2, "state": "started", "onstage": True}),
    wait(0.3),
    ctl("group", {"num": 1, "level": 67}),
    wait(1.0),
]
# A reply that changes without a broadcast: only a fresh read after a reconnect or a restart
# shows it, so the expected state proves the replay made the gateway read again.
QUIET_CHANGE = ctl("set", {"request": "group", "data": {"groups": [
    {"name": "All Fixtures", "level": 100}, {"num": 1, "name": "Group 1", "level": 33},
    {"num": 2, "name": "Group 2", "level": 100}]}})

SCENARIOS = {
    "msc-basic": dict(sim=[], steps=CHANGES),
    "msc-x-hardware": dict(sim=["--hardware", "MSC_X"], steps=CHANGES),
    "atlas-hardware": dict(sim=["--hardware", "Atlas"], steps=[
        ctl("broadcast", {"frame": json.dumps({"request": "content_target", "id": 5, "data": {
            "content_targets": [{"name": "Primary", "level": 40},
                                {"name": "Secondary", "level": 100}]}})}),
        wait(1.0)]),
    "msc-secured": dict(sim=SECURED, password="secret", steps=CHANGES),
    "tls": dict(sim=["--tls"] + SECURED, password="secret", tls=True, steps=CHANGES),
    "wrong-credentials-redirect": dict(sim=SECURED + ["--wrong-credentials", "redirect"],
                                       password=WRONG, until="auth_failed", steps=[wait(1.0)]),
    "wrong-credentials-401": dict(sim=SECURED + ["--wrong-credentials", "401"],
                                  password=WRONG, until="auth_failed", steps=[wait(1.0)]),
    "wrong-credentials-403": dict(sim=SECURED + ["--wrong-credentials", "403"],
                                  password=WRONG, until="auth_failed", steps=[wait(1.0)]),
    "wrong-credentials-no-token": dict(sim=SECURED + ["--wrong-credentials", "no-token"],
                                       password=WRONG, until="auth_failed", steps=[wait(1.0)]),
    "expired-token-401": dict(sim=SECURED + ["--expired-token", "401"], password="secret",
                              steps=[ctl("fault", {"kind": "expire"}),
                                     mqtt("group/1/set", "40"), wait(4.0)]),
    "expired-token-redirect": dict(sim=SECURED + ["--expired-token", "redirect"],
                                   password="secret",
                                   steps=[ctl("fault", {"kind": "expire"}),
                                          mqtt("group/1/set", "40"), wait(4.0)]),
    "expired-token-body": dict(sim=SECURED + ["--expired-token", "body"], password="secret",
                               steps=[ctl("fault", {"kind": "expire"}),
                                      mqtt("group/1/set", "40"), wait(4.0)]),
    "session-expiry": dict(sim=SECURED, password="secret",
                           steps=[QUIET_CHANGE, ctl("fault", {"kind": "expire"}), wait(4.0)]),
    "controller-restart": dict(sim=SECURED, password="secret",
                               steps=[QUIET_CHANGE, ctl("fault", {"kind": "restart"}),
                                      wait(4.0)]),
    # Firmware variants (docs/protocol.md §5.5, §5.7, §5.9).
    "group-level-255": dict(sim=[], before=[ctl("set", {"request": "group", "data": {"groups": [
        {"name": "All Fixtures", "level": 255}, {"num": 1, "name": "Group 1", "level": 128},
        {"num": 2, "name": "Group 2", "level": 51}]}})], steps=[
        ctl("broadcast", {"frame": json.dumps(
            {"broadcast": "group", "data": {"num": 2, "name": "Group 2", "level": 204}})}),
        wait(1.0)]),
    "remote-device-serial-forms": dict(sim=[], before=[ctl("set", {
        "request": "remote_device", "data": {"remote_devices": [
            {"num": 1, "name": "RIO 1", "type": "RIO 44", "online": True, "serial": "001234"},
            {"num": 2, "name": "EDN 1", "type": "EDN 20", "online": False, "serial": []}]}})],
        steps=[ctl("broadcast", {"frame": json.dumps({"data": {"remote_devices": [
            {"num": 1, "name": "RIO 1", "type": "RIO 44", "online": False, "serial": ["001234"]},
            {"num": 2, "name": "EDN 1", "type": "EDN 20", "online": True, "serial": "005678"}]}})}),
            wait(1.0)]),
    "system-fields-missing": dict(sim=[], before=[ctl("set", {"request": "system", "data": {
        "hardware_type": "MSC", "channel_capacity": 512, "serial_number": "009060",
        "memory_total": "12790Kb", "memory_used": "5000Kb", "memory_available": "7790Kb",
        "storage_size": "3063 MB", "bootloader_version": "V1", "firmware_version": "2.9.1",
        "reset_reason": "Hardware Reset", "last_boot_time": "01 Jan 2017 09:09:38",
        "ip_address": "127.0.0.1", "subnet_mask": "255.0.0.0", "default_gateway": "0.0.0.0"}})],
        steps=[wait(1.0)]),
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def site_yaml(name, scenario):
    lines = [f"site: {name}",
             "mqtt: { url: \"${MQTT_URL}\", base_topic: field }",
             "controllers:",
             f"  - name: {CONTROLLER}",
             "    url: \"${MOSAIC_URL}\"",
             "    keepalive: 1s",
             "    reconnect: { min: 200ms, max: 1s }",
             "    poll:",
             "      - { request: system, every: on_connect }"]
    if "password" in scenario:
        lines += [f"    username: {USER}", f"    password: {scenario['password']}"]
    if scenario.get("tls"):
        lines += ["    tls: { fingerprint_sha256: \"${MOSAIC_FINGERPRINT}\" }"]
    lines += ["logging: { level: debug }"]
    return "\n".join(lines) + "\n"


def retained(port, prefix):
    out = subprocess.run(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-t", prefix + "#",
                          "--retained-only", "-v", "-W", "2"], capture_output=True, text=True)
    state = {}
    for line in out.stdout.splitlines():
        topic, _, payload = line.partition(" ")
        if not payload:
            continue
        rel = topic[len(prefix):]
        try:
            value = json.loads(payload)
        except ValueError:
            state[rel] = payload
            continue
        if rel == "connection":
            value = {"state": value.get("state")}
        state[rel] = value
    return state


def gateway_captures(build):
    """Whether this gateway writes captures itself (--capture); else the proxy records."""
    out = subprocess.run([str(build / "bin/mosaic-gateway"), "--help"], capture_output=True,
                         text=True)
    return "--capture" in out.stdout + out.stderr


def self_signed(work):
    """A certificate for the proxy's TLS side, and its SHA-256 fingerprint."""
    key, cert = work / "proxy.key", work / "proxy.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=mosaic", "-addext",
                    "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    out = subprocess.run(["openssl", "x509", "-in", str(cert), "-noout", "-fingerprint",
                          "-sha256"], check=True, capture_output=True, text=True).stdout
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    return context, out.strip().split("=", 1)[1]


def start_proxy(capture, name, scenario, sim_port, work):
    """Runs capture_proxy in a thread; returns its port and the fingerprint it presents."""
    redactor = capture_proxy.Redactor(USER if "password" in scenario else "",
                                      scenario.get("password", ""))
    tls = scenario.get("tls", False)
    listen_tls, fingerprint = self_signed(work) if tls else (None, "-")
    proxy = capture_proxy.Proxy(capture_proxy.Capture(capture, CONTROLLER, redactor), sim_port,
                                "wss" if tls else "ws", listen_tls, tls)
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def run():
        asyncio.set_event_loop(loop)
        loop.run_until_complete(proxy.start())
        started.set()
        loop.run_forever()

    threading.Thread(target=run, daemon=True).start()
    started.wait(10)
    return proxy.port, fingerprint


def record(name, scenario, build):
    work = pathlib.Path(tempfile.mkdtemp(prefix="mg-field-"))
    mqtt_port = free_port()
    (work / "mosquitto.conf").write_text(f"listener {mqtt_port} 127.0.0.1\nallow_anonymous true\n")
    procs = []
    try:
        broker = subprocess.Popen(["mosquitto", "-c", str(work / "mosquitto.conf")],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(broker)
        sim = subprocess.Popen([str(build / "bin/mosaic-sim"), "--port", "0", "--control-port",
                                "0"] + scenario["sim"], stdout=subprocess.PIPE,
                               stderr=open(work / "sim.log", "w"), text=True)
        procs.append(sim)
        ready = json.loads(sim.stdout.readline())
        control = f"http://127.0.0.1:{ready['control_port']}/controllers/0/"

        def call(path, body):
            request = urllib.request.Request(control + path, json.dumps(body).encode(),
                                             {"Content-Type": "application/json"})
            urllib.request.urlopen(request, timeout=5).read()

        for step in scenario.get("before", []):
            call(step[1], step[2])
        scheme = "wss" if scenario.get("tls") else "ws"
        capture = HERE / f"{name}.jsonl"
        capture.unlink(missing_ok=True)
        port, fingerprint = ready["ports"][0], ready.get("fingerprint", "-")
        command = [str(build / "bin/mosaic-gateway"), "-c", str(HERE / f"{name}.site.yaml")]
        if gateway_captures(build):
            command += ["--capture", str(capture)]
        else:
            port, fingerprint = start_proxy(capture, name, scenario, port, work)
        env = dict(os.environ, MQTT_URL=f"mqtt://127.0.0.1:{mqtt_port}",
                   MOSAIC_URL=f"{scheme}://127.0.0.1:{port}/query",
                   MOSAIC_FINGERPRINT=fingerprint)
        (HERE / f"{name}.site.yaml").write_text(site_yaml(name, scenario))
        gateway = subprocess.Popen(command, env=env, stdout=open(work / "gateway.log", "w"),
                                   stderr=subprocess.STDOUT)
        procs.append(gateway)
        prefix = f"field/{name}/{CONTROLLER}/"
        until = scenario.get("until", "online")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            state = retained(mqtt_port, prefix)
            if until == "online" and state.get("status") == "online":
                break
            if state.get("connection", {}).get("state") == until:
                break
        else:
            sys.exit(f"{name}: the controller never reached {until}; see {work}")
        time.sleep(0.5)
        live = time.monotonic()
        commands = []
        for step in scenario["steps"]:
            if step[0] == "control":
                call(step[1], step[2])
            elif step[0] == "wait":
                time.sleep(step[1])
            elif step[0] == "mqtt":
                commands.append({"after": round(time.monotonic() - live, 3),
                                 "topic": step[1], "payload": step[2]})
                subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(mqtt_port), "-t",
                                prefix + step[1], "-m", step[2]], check=True)
        time.sleep(1.0)
        expected = retained(mqtt_port, prefix)
        (HERE / f"{name}.expected.json").write_text(
            json.dumps(expected, indent=1, sort_keys=True) + "\n")
        commands_file = HERE / f"{name}.commands.json"
        if commands:
            commands_file.write_text(json.dumps(commands, indent=1) + "\n")
        else:
            commands_file.unlink(missing_ok=True)
        print(f"{name}: {sum(1 for _ in capture.open())} lines, {len(expected)} retained topics")
    finally:
        for p in reversed(procs):
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


# Made from another capture, for firmware the simulator does not imitate.
DERIVED = {"auth-user-field": "msc-secured"}


def derive_user_field(name, source):
    """Firmware that wants `user` (docs/protocol.md §2.2): its first /authenticate, with
    `username`, answers 400; the gateway's second, with `user`, gets the token."""
    out = []
    done = False
    for line in (HERE / f"{source}.jsonl").read_text().splitlines():
        event = json.loads(line)
        if not done and event["event"] == "http_request" and event["path"] == "/authenticate":
            refused = dict(event)
            out.append(json.dumps(refused, separators=(",", ":")))
            out.append(json.dumps({"t": event["t"], "controller": event["controller"],
                                   "event": "http_response", "method": "POST",
                                   "path": "/authenticate", "status": 400, "body": ""},
                                  separators=(",", ":")))
            body = json.loads(event["body"])
            body["user"] = body.pop("username")
            event["body"] = json.dumps(body, separators=(",", ":"))
            done = True
        out.append(json.dumps(event, separators=(",", ":")))
    (HERE / f"{name}.jsonl").write_text("\n".join(out) + "\n")
    site = (HERE / f"{source}.site.yaml").read_text().replace(f"site: {source}", f"site: {name}")
    (HERE / f"{name}.site.yaml").write_text(site)
    (HERE / f"{name}.expected.json").write_text((HERE / f"{source}.expected.json").read_text())
    print(f"{name}: made from {source}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=str(HERE.parent.parent / "build"))
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    for name in args.names or list(SCENARIOS) + list(DERIVED):
        if name in DERIVED:
            derive_user_field(name, DERIVED[name])
        elif name in SCENARIOS:
            record(name, SCENARIOS[name], pathlib.Path(args.build))
        else:
            sys.exit(f"no scenario '{name}'; known: {', '.join(list(SCENARIOS) + list(DERIVED))}")


if __name__ == "__main__":
    main()
