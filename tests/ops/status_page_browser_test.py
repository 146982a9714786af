#!/usr/bin/env python3
"""The status page in a real browser (README "Status page"): Chromium headless renders / from the
real gateway with mosaic-sim controllers and mosquitto. Both live controllers are shown live; one
is taken away (its simulator stopped) and shown down; the events are listed; a controller with a
wrong password is shown as such, and no password reaches the rendered page.

usage: status_page_browser_test.py BIN_DIR
"""

import html.parser
import sys

from live_site import demo_site


class Rendered(html.parser.HTMLParser):
    """The rendered controller rows (cell texts by label) and event lines of the dumped DOM."""

    def __init__(self):
        super().__init__()
        self.rows, self.events, self.broker = [], [], ""
        self._where = []  # open elements of interest: ("tbody"|"tr"|"td"|"events"|"li"|"broker")
        self._label = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tbody" and a.get("id") == "controllers":
            self._where.append("tbody")
        elif tag == "ol" and a.get("id") == "events":
            self._where.append("events")
        elif tag == "div" and a.get("id") == "broker":
            self._where.append("broker")
        elif tag == "tr" and self._where[-1:] == ["tbody"]:
            self.rows.append({})
            self._where.append("tr")
        elif tag == "td" and self._where[-1:] == ["tr"]:
            self._label = a.get("data-label")
            self.rows[-1][self._label] = ""
            self._where.append("td")
        elif tag == "li" and self._where[-1:] == ["events"]:
            self.events.append("")
            self._where.append("li")
        elif self._where and tag not in ("br", "hr", "img", "input", "meta"):
            self._where.append(tag)  # void elements have no end tag

    def handle_endtag(self, tag):
        if self._where:
            self._where.pop()

    def handle_data(self, data):
        if "td" in self._where:
            self.rows[-1][self._label] += data
        elif "li" in self._where:
            self.events[-1] += data
        elif "broker" in self._where:
            self.broker += data


def render(site):
    dom = site.chromium("--dump-dom")
    page = Rendered()
    page.feed(dom)
    return dom, page


def row(page, name):
    for r in page.rows:
        if r.get("Name", "").startswith(name):
            return r
    return None


failures = []


def check(condition, what, context=""):
    if not condition:
        failures.append(what)
        print(f"FAIL: {what}\n{context}", file=sys.stderr)


def main(bin_dir):
    site = demo_site(bin_dir)
    try:
        site.wait_status(lambda s: [c["state"] for c in s["controllers"]] ==
                         ["live", "live", "auth_failed"], what="two live, one refused")
        dom, page = render(site)
        names = [r.get("Name", "") for r in page.rows]
        check(len(page.rows) == 3, "three controller rows", dom)
        for name in ("ballroom", "lobby"):
            r = row(page, name) or {}
            check(r.get("State") == "live", f"{name} shown live", r)
            check(r.get("Serial", "-") != "-", f"{name} shows its serial", r)
            check(r.get("Project", "-") != "-", f"{name} shows its project", r)
        terrace = row(page, "terrace") or {}
        check(terrace.get("State") == "authentication failed", "terrace shown refused", terrace)
        check("connected" in page.broker, "the broker line says connected", page.broker)
        check(any("lobby" in e and "connected" in e for e in page.events),
              "the events list the lobby's connect", page.events)
        check(any("terrace" in e and "authentication failed" in e for e in page.events),
              "the events list the terrace's authentication failure", page.events)
        check("not-the-right-one" not in dom and "the-right-one" not in dom,
              "no password on the page")

        # The ballroom's controller goes away.
        site.stop_sim("ballroom")
        site.wait_status(lambda s: s["controllers"][0]["state"] not in ("live", "idle"),
                         what="ballroom down")
        dom, page = render(site)
        ballroom = row(page, "ballroom") or {}
        check(ballroom.get("State") in ("down, retrying", "connecting"),
              "ballroom shown down", ballroom)
        check(ballroom.get("Last error", "-") != "-", "ballroom shows why", ballroom)
        check((row(page, "lobby") or {}).get("State") == "live", "lobby still live", names)
        check(any("ballroom" in e and "connection lost" in e for e in page.events),
              "the events list the ballroom's drop", page.events)
    except Exception:
        print(site.gateway_log(), file=sys.stderr)
        raise
    finally:
        site.close()
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("status page: rendered by Chromium, every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
