"""A live site for tests and the docs: a private mosquitto, mosaic-sim processes and the real
mosaic-gateway on loopback ports, each process bounded in time and stopped on close(). Also
runs Chromium headless against the gateway's status page.

Used by status_page_browser_test.py, monitoring_test.py and docs/make-screenshot.sh.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(f"{what}: not within {timeout} s")


class LiveSite:
    def __init__(self, bin_dir):
        self.bin = bin_dir
        self.dir = tempfile.mkdtemp(prefix="mg-live-site-")
        self.processes = []
        self.sims = {}
        self.broker_port = None
        self.metrics_port = free_port()
        self.gateway = None

    # -- processes ---------------------------------------------------------------------------

    def _start(self, name, argv, **kwargs):
        log = open(os.path.join(self.dir, name + ".log"), "wb")
        p = subprocess.Popen(argv, stdout=kwargs.pop("stdout", log), stderr=log,
                             start_new_session=True, **kwargs)
        self.processes.append(p)
        return p

    def _stop(self, p, grace=5):
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
            try:
                p.wait(grace)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()

    def start_broker(self):
        self.broker_port = free_port()
        conf = os.path.join(self.dir, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"listener {self.broker_port} 127.0.0.1\nallow_anonymous true\n"
                    "persistence false\n")
        self._start("mosquitto", ["mosquitto", "-c", conf])

        def accepts():
            try:
                socket.create_connection(("127.0.0.1", self.broker_port), 0.5).close()
                return True
            except OSError:
                return False
        wait_for(accepts, 10, "mosquitto")

    def start_sim(self, name, *args):
        """Starts a simulator of one controller; returns its WebSocket URL."""
        out = open(os.path.join(self.dir, name + "-sim.out"), "w+")
        p = self._start(name + "-sim", [os.path.join(self.bin, "mosaic-sim"), *args], stdout=out)

        def ready():
            out.seek(0)
            for line in out:
                if '"ready":true' in line:
                    return json.loads(line)
            return None
        info = wait_for(ready, 15, "mosaic-sim " + name)
        self.sims[name] = p
        return f"ws://127.0.0.1:{info['ports'][0]}/query"

    def stop_sim(self, name):
        self._stop(self.sims.pop(name))

    def start_gateway(self, controllers_yaml, extra_yaml=""):
        site = (f"site: hotel-east\n"
                f"mqtt: {{ url: 'mqtt://127.0.0.1:{self.broker_port}' }}\n"
                f"controllers:\n{controllers_yaml}"
                f"metrics: {{ listen: 127.0.0.1:{self.metrics_port} }}\n{extra_yaml}")
        path = os.path.join(self.dir, "site.yaml")
        with open(path, "w") as f:
            f.write(site)
        self.gateway = self._start("gateway", [os.path.join(self.bin, "mosaic-gateway"), "-c", path])
        wait_for(lambda: self.get("/healthz")[0] != 0, 15, "the gateway's metrics port")

    def gateway_log(self):
        with open(os.path.join(self.dir, "gateway.log"), errors="replace") as f:
            return f.read()

    def publish(self, topic, payload):
        subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(self.broker_port),
                        "-t", topic, "-m", payload], check=True, timeout=10)

    def close(self):
        for p in reversed(self.processes):
            self._stop(p)
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- HTTP ------------------------------------------------------------------------------

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.metrics_port}{path}"

    def get(self, path):
        """(status, body); status 0 when nothing answered."""
        try:
            with urllib.request.urlopen(self.url(path), timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()
        except OSError:
            return 0, ""

    def status(self):
        code, body = self.get("/status.json")
        return json.loads(body) if code == 200 else None

    def wait_status(self, condition, timeout=30, what="status"):
        def check():
            s = self.status()
            return s if s and condition(s) else None
        return wait_for(check, timeout, what)

    # -- Chromium ----------------------------------------------------------------------------

    def chromium(self, *args, timeout=90):
        """Runs Chromium headless on the status page with `args`; returns its stdout. Killed,
        with its whole process group, if it takes longer than `timeout` seconds."""
        profile = tempfile.mkdtemp(prefix="mg-chromium-", dir=self.dir)
        argv = ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking",
                f"--user-data-dir={profile}",
                # Timers run on virtual time: the page fetches status.json and renders it
                # before the DOM is dumped or the screenshot taken.
                "--virtual-time-budget=4000", *args, self.url("/")]
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             start_new_session=True, cwd=self.dir)
        try:
            out, _ = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
            raise
        finally:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
        return out.decode(errors="replace")


def demo_site(bin_dir):
    """The site of the screenshot and the browser test: lobby and ballroom live, terrace with a
    password the controller refuses. Returns the started LiveSite."""
    site = LiveSite(bin_dir)
    try:
        site.start_broker()
        lobby = site.start_sim("lobby", "--tick", "500ms", "--seed", "7")
        ballroom = site.start_sim("ballroom", "--tick", "700ms", "--seed", "11")
        terrace = site.start_sim("terrace", "--user", "gateway:the-right-one")
        site.start_gateway(
            f"  - {{ name: lobby, url: '{lobby}', keepalive: 1s,"
            f" reconnect: {{ min: 200ms, max: 1s }} }}\n"
            f"  - {{ name: ballroom, url: '{ballroom}', keepalive: 1s,"
            f" reconnect: {{ min: 200ms, max: 1s }} }}\n"
            f"  - {{ name: terrace, url: '{terrace}', username: gateway,"
            f" password: not-the-right-one }}\n")
        return site
    except BaseException:
        site.close()
        raise
