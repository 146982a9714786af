#!/usr/bin/env python3
"""Runs the container image deploy/image.sh built against a mosaic-sim controller and a
mosquitto on this machine's loopback (the container shares the host's network), until the
controller's C/status is `online`; then stops the container and expects `offline`.

usage: image_test.py IMAGE MOSAIC_SIM_BINARY

Uses docker when a docker daemon answers, podman otherwise. With podman, runc and explicit
ulimits: crun refuses hybrid cgroup set-ups, and the default limits can exceed the host's.
"""

import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

IMAGE = ""
SIM = ""
DEADLINE_S = 60


def engine():
    if shutil.which("docker") and subprocess.run(
            ["docker", "info"], capture_output=True, timeout=30, check=False).returncode == 0:
        return ["docker"], []
    return ["podman"], ["--runtime", "runc", "--ulimit", "nofile=20000:20000",
                        "--ulimit", "nproc=8192:8192"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, predicate, deadline_s=DEADLINE_S):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {deadline_s} s waiting for {what}")


class Image(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.engine, self.run_options = engine()

        self.mqtt_port = free_port()
        conf = os.path.join(self.tmp.name, "mosquitto.conf")
        with open(conf, "w", encoding="utf-8") as f:
            f.write(f"listener {self.mqtt_port} 127.0.0.1\nallow_anonymous true\n"
                    f"persistence false\nuser {pwd.getpwuid(os.getuid()).pw_name}\n")
        self.start(["mosquitto", "-c", conf])
        wait_for("mosquitto", lambda: self.connects(self.mqtt_port), 20)

        sim_out = os.path.join(self.tmp.name, "sim.out")
        self.sim_out = open(sim_out, "w+", encoding="utf-8")
        self.addCleanup(self.sim_out.close)
        self.start([SIM, "--bind", "127.0.0.1", "--port", "0", "--controllers", "1"],
                   stdout=self.sim_out)
        ready = wait_for("mosaic-sim", lambda: self.sim_ready(sim_out), 20)
        self.controller_port = ready["ports"][0]

    def start(self, argv, stdout=subprocess.DEVNULL):
        process = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.DEVNULL)

        def stop():
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.addCleanup(stop)

    @staticmethod
    def connects(port):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False

    @staticmethod
    def sim_ready(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if '"ready"' in line:
                    return json.loads(line)
        return None

    def retained(self, topic):
        """The retained payload of TOPIC, or None."""
        run = subprocess.run(
            ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(self.mqtt_port), "-t", topic,
             "-C", "1", "-W", "2", "--retained-only"],
            capture_output=True, text=True, timeout=10, check=False)
        return run.stdout.strip() or None

    def test_gateway_in_the_image_brings_a_controller_online(self):
        site_dir = os.path.join(self.tmp.name, "site")
        os.mkdir(site_dir)
        os.chmod(site_dir, 0o755)
        with open(os.path.join(site_dir, "site.yaml"), "w", encoding="utf-8") as f:
            f.write(f"site: image\nmqtt:\n  url: mqtt://127.0.0.1:{self.mqtt_port}\n"
                    f"controllers:\n  - name: lobby\n"
                    f"    url: ws://127.0.0.1:{self.controller_port}/query\n")
        os.chmod(os.path.join(site_dir, "site.yaml"), 0o644)

        name = f"mosaic-gateway-test-{uuid.uuid4().hex[:12]}"
        remove = self.engine + ["rm", "-f", name]
        self.addCleanup(subprocess.run, remove, capture_output=True, timeout=60, check=False)
        run = subprocess.run(
            self.engine + ["run", "-d", "--name", name, "--network", "host", *self.run_options,
                           "-v", f"{site_dir}:/etc/mosaic-gateway:ro", IMAGE],
            capture_output=True, text=True, timeout=120, check=False)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)

        def logs():
            out = subprocess.run(self.engine + ["logs", name], capture_output=True, text=True,
                                 timeout=30, check=False)
            return out.stdout + out.stderr

        try:
            wait_for("mosaic/image/lobby/status online",
                     lambda: self.retained("mosaic/image/lobby/status") == "online")
            self.assertEqual(self.retained("mosaic/image/gateway/status"), "online")
        except AssertionError:
            print(logs(), file=sys.stderr)
            raise

        # SIGTERM to the gateway as PID 1: offline for the controller, and a clean exit.
        stop = subprocess.run(self.engine + ["stop", "-t", "20", name], capture_output=True,
                              text=True, timeout=60, check=False)
        self.assertEqual(stop.returncode, 0, stop.stderr)
        state = subprocess.run(
            self.engine + ["inspect", "-f", "{{.State.ExitCode}}", name],
            capture_output=True, text=True, timeout=30, check=False)
        self.assertEqual(state.stdout.strip(), "0", logs())
        self.assertEqual(self.retained("mosaic/image/lobby/status"), "offline")


if __name__ == "__main__":
    IMAGE, SIM = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
