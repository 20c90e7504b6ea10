"""The member's pages on a slow phone network: each page's bytes on the wire and time to usable under
Chromium with Slow 3G emulated, and the round trips of a logged-in check-in from the tap to the result.

It loads a small demo county into a throw-away SQLite file, serves it with gunicorn on 127.0.0.1, and drives
Debian's Chromium through Playwright. A page that this branch does not have yet (it answers 404) is listed
and skipped; add new pages to PAGES."""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.pages.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE

# Every member page, in the order a member meets them. {checkin} is an open event's printed code.
PAGES = ["/login", "/c/{checkin}", "/me", "/me/points", "/me/households", "/events", "/me/notices", "/me/password"]
ANONYMOUS = {"/login"}
# Chromium's Slow 3G, as these figures are quoted: 400 kbit/s each way, 400 ms round trip.
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
SECRET_KEY = "bench-pages-key-not-for-production"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _flask(env, *args) -> str:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _api(origin, path, body, token=None):
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(origin + path, json.dumps(body).encode(), headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _open_event(origin, secretary, password) -> int:
    """A service event of the secretary's community whose check-in is open now."""
    token = _api(origin, "/api/v1/auth/token", {"phone": secretary["phone"], "password": password})["access_token"]
    starts = datetime.now(UTC) + timedelta(minutes=5)
    event = _api(
        origin,
        "/api/v1/events",
        {
            "community_id": secretary["community_id"],
            "title": "测速：社区义诊",
            "category": "政策宣传",
            "kind": "service",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(),
        },
        token,
    )
    return event["id"]


def _wait_up(origin, server):
    for _ in range(100):
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped: see its output above")
        try:
            urllib.request.urlopen(origin + "/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz within 20 s")


def _measure(page, cdp, path, *, cold: bool) -> dict | None:
    """One visit under Slow 3G: bytes on the wire (headers and bodies, as Chromium counts them), requests,
    and DOMContentLoaded and load from the navigation's start."""
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": cold})
    sizes = {}
    listener = lambda event: sizes.__setitem__(event["requestId"], event["encodedDataLength"])
    cdp.on("Network.loadingFinished", listener)
    response = page.goto(path, wait_until="load")
    page.wait_for_timeout(100)
    cdp.remove_listener("Network.loadingFinished", listener)
    if response is None or response.status == 404:
        return None
    timing = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
        return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd}; }""")
    return {
        "status": response.status,
        "bytes": sum(sizes.values()),
        "requests": len(sizes),
        "dcl_ms": round(timing["dcl"]),
        "load_ms": round(timing["load"]),
    }


def _tap_round_trips(page) -> tuple[int, str, float]:
    """The requests a logged-in member's tap makes until the result shows, and how long that takes."""
    sent = []
    page.on("request", lambda request: sent.append(request.url))
    started = time.perf_counter()
    page.click("button[type=submit]")
    page.locator("[data-checkin-status]").wait_for(timeout=60_000)
    elapsed = time.perf_counter() - started
    page.wait_for_timeout(500)  # anything more the result might fetch
    return len(sent), page.locator("[data-checkin-status]").get_attribute("data-checkin-status"), elapsed


def run(members: int) -> None:
    from playwright.sync_api import sync_playwright

    from app.events import codes

    password = "bench1234"
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        port = _free_port()
        origin = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "SECRET_KEY": SECRET_KEY,
            "BASE_URL": origin,
        }
        _flask(env, "db", "upgrade")
        accounts = [
            json.loads(line)
            for line in _flask(env, "demo", "--members", str(members), "--password", password, "--json").splitlines()
            if line.startswith("{")
        ]
        member = next(a for a in accounts if a["role"] == "member")
        secretary = next(
            a for a in accounts if a["role"] == "secretary" and a["community_id"] == member["community_id"]
        )
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--log-level",
                "warning",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        try:
            _wait_up(origin, server)
            code = codes.printed(SECRET_KEY, _open_event(origin, secretary, password), 1)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                _report(browser, origin, member, password, code)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)


def _report(browser, origin, member, password, code) -> None:
    print(
        f"Slow 3G: {SLOW_3G['downloadThroughput'] * 8 / 1000:.0f} kbit/s down, "
        f"{SLOW_3G['uploadThroughput'] * 8 / 1000:.0f} kbit/s up, {SLOW_3G['latency']} ms round trip; "
        f"phone {PHONE['viewport']['width']}x{PHONE['viewport']['height']}, Chromium"
    )
    print(
        f"{'page':<16}{'cold bytes':>11}{'req':>5}{'DCL ms':>8}{'load ms':>9}{'warm bytes':>12}{'req':>5}"
        f"{'DCL ms':>8}{'load ms':>9}"
    )
    anonymous = browser.new_context(base_url=origin, **PHONE)
    logged_in = browser.new_context(base_url=origin, **PHONE)
    login = logged_in.new_page()
    login.goto("/login")
    login.fill("input[name=phone]", member["phone"])
    login.fill("input[name=password]", password)
    login.click("button[type=submit]")
    login.wait_for_load_state()
    login.close()
    skipped = []
    for template in PAGES:
        context = anonymous if template in ANONYMOUS else logged_in
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        path = template.format(checkin=code)
        cold = _measure(page, cdp, path, cold=True)
        if cold is None:
            skipped.append(template)
            page.close()
            continue
        warm = _measure(page, cdp, path, cold=False)
        print(
            f"{template:<16}{cold['bytes']:>11}{cold['requests']:>5}{cold['dcl_ms']:>8}{cold['load_ms']:>9}"
            f"{warm['bytes']:>12}{warm['requests']:>5}{warm['dcl_ms']:>8}{warm['load_ms']:>9}"
        )
        if template.startswith("/c/"):
            trips, status, seconds = _tap_round_trips(page)
            tap_line = (
                f"check-in tap (logged in, page open): {trips} request(s) from the tap to the result "
                f"({status}), {seconds:.2f} s under Slow 3G"
            )
        page.close()
    print(tap_line)
    for template in skipped:
        print(f"{template}: not on this branch yet (404), skipped")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=5, help="demo members to load (default 5)")
    run(parser.parse_args().members)


if __name__ == "__main__":
    main()
