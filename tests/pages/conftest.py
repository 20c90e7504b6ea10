"""Pages in a real browser: the app served on a local port, driven by Playwright in Debian's Chromium.

Members are mostly on cheap phones, so `phone` is a 390×844 touch screen; `desk` is a secretary's 1366×768."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# This machine has no internet: without these flags Chromium keeps calling home and times out.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}
DESK = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/install-system-packages (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def _context(browser, live_server, options):
    context = browser.new_context(base_url=live_server, **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def phone(browser, live_server):
    """A new phone browser (no cookies) and its first tab."""
    context = _context(browser, live_server, PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def desk(browser, live_server):
    context = _context(browser, live_server, DESK)
    yield context.new_page()
    context.close()


@pytest.fixture
def new_phone(browser, live_server):
    """new_phone() -> one more phone browser of its own, e.g. a second member beside a secretary's screen."""
    contexts = []

    def make():
        context = _context(browser, live_server, PHONE)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it stands, one readable line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def log_in(page, phone: str, password: str, *, next_path: str | None = None) -> None:
    page.goto("/login" + (f"?next={next_path}" if next_path else ""))
    page.fill("input[name=phone]", phone)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


@pytest.fixture
def app(app):
    # A browser sends real forms: CSRF is checked as in production (the test client's suites turn it off).
    app.config["WTF_CSRF_ENABLED"] = True
    return app
