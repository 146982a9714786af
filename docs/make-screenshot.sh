#!/usr/bin/env bash
# Remakes docs/status-page.png (and docs/status-page-phone.png), the screenshots of the status
# page in the README: a private mosquitto, three mosaic-sim controllers (two live, one whose
# password the site file gets wrong) and the gateway on loopback ports, a few commands, one
# controller taken away, then Chromium headless photographs http://127.0.0.1:PORT/.
#
#   docs/make-screenshot.sh            # needs what deploy/install-deps.sh test installs
#
# Uses the binaries in build/bin (BIN=... to use others); builds them when missing.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${BIN:-$repo/build/bin}
if [[ ! -x $bin/mosaic-gateway || ! -x $bin/mosaic-sim ]]; then
    (cd "$repo" && cmake --preset release >/dev/null &&
        cmake --build build -j"$(nproc)" --target mosaic-gateway mosaic-sim)
fi
exec python3 - "$repo" "$bin" <<'PY'
import os, sys, time
repo, bin_dir = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(repo, "tests", "ops"))
from live_site import demo_site

site = demo_site(bin_dir)
try:
    site.wait_status(lambda s: [c["state"] for c in s["controllers"]] ==
                     ["live", "live", "auth_failed"], what="two live, one refused")
    for topic, payload in (("lobby/group/1/set", "40"), ("lobby/scene/1/set", "start"),
                           ("lobby/timeline/99/set", "start"), ("ballroom/beacon/set", "ON")):
        site.publish("mosaic/hotel-east/" + topic, payload)
    site.wait_status(lambda s: sum(sum(c["commands"].values()) for c in s["controllers"]) >= 4,
                     what="the commands answered")
    site.stop_sim("ballroom")
    site.wait_status(lambda s: s["controllers"][0]["state"] == "backoff", what="ballroom down")
    time.sleep(1.5)  # a fresh "last message" age for the live controller
    for name, size in (("status-page.png", "1280,760"), ("status-page-phone.png", "390,1400")):
        path = os.path.join(repo, "docs", name)
        site.chromium(f"--screenshot={path}", f"--window-size={size}", "--hide-scrollbars")
        print("written:", path)
finally:
    site.close()
PY
