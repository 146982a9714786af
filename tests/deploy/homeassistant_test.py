#!/usr/bin/env python3
"""Checks the Home Assistant add-on in deploy/homeassistant: its repository and config files,
and that its start script turns sample options and a sample answer of the Supervisor's mqtt
service into a site file the gateway's --check accepts, with every password in a file of its
own (mode 0600) and none in the site file.

usage: homeassistant_test.py SOURCE_DIR MOSAIC_GATEWAY_BINARY
"""

import json
import os
import re
import stat
import subprocess
import sys
import tempfile
import unittest

import yaml

SOURCE_DIR = ""
GATEWAY = ""

BROKER_PASSWORD = "broker-Secret-7f3a"
LOBBY_PASSWORD = "lobby-Secret-91c2"

# What http://supervisor/services/mqtt answers with the Mosquitto broker add-on installed.
SUPERVISOR_ANSWER = {
    "result": "ok",
    "data": {
        "addon": "core_mosquitto",
        "host": "core-mosquitto",
        "port": 1883,
        "ssl": False,
        "protocol": "3.1.1",
        "username": "addons",
        "password": BROKER_PASSWORD,
    },
}

OPTIONS = {
    "site": "home",
    "discovery": True,
    "log_level": "info",
    "controllers": [
        {"name": "lobby", "url": "ws://192.0.2.20/query", "username": "gateway",
         "password": LOBBY_PASSWORD},
        {"name": "ballroom", "url": "wss://192.0.2.21/query",
         "fingerprint_sha256": ":".join(["AB"] * 32), "read_only": True},
    ],
}


def addon_dir():
    return os.path.join(SOURCE_DIR, "deploy", "homeassistant", "mosaic_gateway")


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def project_version():
    with open(os.path.join(SOURCE_DIR, "CMakeLists.txt"), encoding="utf-8") as f:
        return re.search(r"project\(mosaic-gateway VERSION ([0-9.]+)", f.read()).group(1)


class AddonFiles(unittest.TestCase):
    def setUp(self):
        self.config = load(os.path.join(addon_dir(), "config.yaml"))

    def test_repository_file_at_the_repository_root(self):
        repository = load(os.path.join(SOURCE_DIR, "deploy", "homeassistant", "repository.yaml"))
        self.assertTrue(repository["name"])

    def test_version_is_the_projects(self):
        self.assertEqual(str(self.config["version"]), project_version())
        # The add-on builds on the gateway image of the same version.
        build = load(os.path.join(addon_dir(), "build.yaml"))
        self.assertEqual(set(build["build_from"]), set(self.config["arch"]))
        for image in build["build_from"].values():
            self.assertTrue(image.endswith(f"mosaic-gateway:{project_version()}"), image)
        with open(os.path.join(addon_dir(), "Dockerfile"), encoding="utf-8") as f:
            self.assertIn(f"mosaic-gateway:{project_version()}", f.read())

    def test_config(self):
        for key in ("name", "slug", "description"):
            self.assertTrue(self.config[key], key)
        self.assertEqual(set(self.config["arch"]), {"amd64", "aarch64"})
        self.assertIn("mqtt:need", self.config["services"])
        for doc in ("DOCS.md", "Dockerfile", "run.py"):
            self.assertTrue(os.path.isfile(os.path.join(addon_dir(), doc)), doc)

    def test_every_option_has_a_schema(self):
        schema = self.config["schema"]
        for key in self.config["options"]:
            self.assertIn(key, schema)
        controller = schema["controllers"][0]
        for key in self.config["options"]["controllers"][0]:
            self.assertIn(key, controller)
        # Passwords are masked in Home Assistant's interface.
        self.assertEqual(controller["password"], "password?")


class StartScript(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.data = os.path.join(self.tmp.name, "data")
        os.mkdir(self.data)

    def run_script(self, options, answer, *args, gateway=None):
        options_path = os.path.join(self.data, "options.json")
        with open(options_path, "w", encoding="utf-8") as f:
            json.dump(options, f)
        answer_path = os.path.join(self.tmp.name, "mqtt.json")
        with open(answer_path, "w", encoding="utf-8") as f:
            json.dump(answer, f)
        env = dict(os.environ, MG_ADDON_OPTIONS=options_path, MG_ADDON_DATA=self.data,
                   MG_ADDON_MQTT_SERVICE=answer_path)
        env.pop("SUPERVISOR_TOKEN", None)
        if gateway:
            env["MG_ADDON_GATEWAY"] = gateway
        return subprocess.run(
            [sys.executable, os.path.join(addon_dir(), "run.py"), *args],
            env=env, capture_output=True, text=True, timeout=30, check=False)

    def check(self, site):
        return subprocess.run([GATEWAY, "--check", "-c", site], capture_output=True, text=True,
                              timeout=30, check=False)

    def test_site_file_passes_the_gateways_check(self):
        run = self.run_script(OPTIONS, SUPERVISOR_ANSWER, "--write-only")
        self.assertEqual(run.returncode, 0, run.stderr)
        site = run.stdout.strip()
        self.assertEqual(site, os.path.join(self.data, "mosaic-gateway", "site.yaml"))
        check = self.check(site)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        self.assertIn("lobby", check.stdout)
        self.assertIn("ballroom", check.stdout)

        config = load(site)
        self.assertEqual(config["site"], "home")
        self.assertEqual(config["mqtt"]["url"], "mqtt://core-mosquitto:1883")
        self.assertEqual(config["mqtt"]["username"], "addons")
        self.assertEqual(config["mqtt"]["protocol"], 3)
        self.assertEqual(config["homeassistant"], {"enabled": True})
        lobby, ballroom = config["controllers"]
        self.assertEqual(lobby["username"], "gateway")
        self.assertEqual(ballroom["tls"]["fingerprint_sha256"], ":".join(["AB"] * 32))
        self.assertTrue(ballroom["read_only"])
        self.assertNotIn("password_file", ballroom)

        # Every password in a file of its own, readable by the add-on only; none in the site file.
        with open(site, encoding="utf-8") as f:
            text = f.read()
        self.assertNotIn(BROKER_PASSWORD, text)
        self.assertNotIn(LOBBY_PASSWORD, text)
        self.assertNotIn("password:", text)
        for path, secret in ((config["mqtt"]["password_file"], BROKER_PASSWORD),
                             (lobby["password_file"], LOBBY_PASSWORD)):
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600, path)
            with open(path, encoding="utf-8") as f:
                self.assertEqual(f.read(), secret)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(lobby["password_file"])).st_mode),
                         0o700)

    def test_tls_broker_discovery_off_and_bashio_style_answer(self):
        options = dict(OPTIONS, discovery=False, discovery_prefix="ha", base_topic="lights",
                       metrics_port=9464, log_level="debug")
        answer = {"host": "192.0.2.5", "port": 8883, "ssl": True, "protocol": "5"}
        run = self.run_script(options, answer, "--write-only")
        self.assertEqual(run.returncode, 0, run.stderr)
        site = run.stdout.strip()
        check = self.check(site)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        config = load(site)
        self.assertEqual(config["mqtt"]["url"], "mqtts://192.0.2.5:8883")
        self.assertEqual(config["mqtt"]["protocol"], 5)
        self.assertEqual(config["mqtt"]["base_topic"], "lights")
        self.assertNotIn("username", config["mqtt"])
        self.assertNotIn("password_file", config["mqtt"])
        self.assertEqual(config["homeassistant"], {"enabled": False, "prefix": "ha"})
        self.assertEqual(config["metrics"]["listen"], "0.0.0.0:9464")
        self.assertEqual(config["logging"]["level"], "debug")

    def test_a_removed_controller_leaves_no_password_behind(self):
        self.assertEqual(self.run_script(OPTIONS, SUPERVISOR_ANSWER, "--write-only").returncode, 0)
        options = dict(OPTIONS, controllers=OPTIONS["controllers"][1:])
        self.assertEqual(self.run_script(options, SUPERVISOR_ANSWER, "--write-only").returncode, 0)
        secrets = os.path.join(self.data, "mosaic-gateway", "secrets")
        self.assertEqual(os.listdir(secrets), ["mqtt"])

    def test_no_broker_is_a_clear_error(self):
        run = self.run_script(OPTIONS, {"result": "error", "message": "No mqtt service"},
                              "--write-only")
        self.assertEqual(run.returncode, 2)
        self.assertIn("No mqtt service", run.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.data, "mosaic-gateway", "site.yaml")))

    def test_starts_the_gateway_on_the_site_file(self):
        # The script replaces itself with the gateway: here a stand-in that prints its arguments.
        run = self.run_script(OPTIONS, SUPERVISOR_ANSWER, gateway="echo")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout.split(),
                         ["-c", os.path.join(self.data, "mosaic-gateway", "site.yaml")])


if __name__ == "__main__":
    SOURCE_DIR, GATEWAY = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
