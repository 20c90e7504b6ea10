"""Security headers on every response, and pages that no other site may frame and that run only their
own scripts (issue 14, finding 9)."""

import re

import pytest

from app.events import codes as tokens
from tests.auth.conftest import log_in_page

# Inline code a Content-Security-Policy without 'unsafe-inline' would block in the browser.
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def _assert_sent_to_browsers(response):
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def _assert_cannot_be_framed_or_run_outside_scripts(response):
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "script-src 'self'" in policy and "default-src 'self'" in policy
    assert "unsafe-inline" not in policy and "*" not in policy
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert not INLINE.search(response.text), INLINE.search(response.text).group(0)


def test_the_one_tap_checkin_page_cannot_be_framed_by_another_site(app, browser, make):
    community = make.community()
    member = make.member(community)
    phone = browser()
    log_in_page(phone, member.account)
    page = phone.get(f"/c/{tokens.printed(app.config['SECRET_KEY'], make.event(community).id, 1)}")
    assert page.status_code == 200 and "点击签到" in page.text
    _assert_sent_to_browsers(page)
    _assert_cannot_be_framed_or_run_outside_scripts(page)


def test_the_halls_screen_runs_its_own_script_only(app, browser, make):
    community = make.community()
    event = make.event(community)
    desk = browser()
    log_in_page(desk, make.secretary(community))
    page = desk.get(f"/events/{event.id}/screen")
    assert page.status_code == 200 and "screen.js" in page.text
    _assert_cannot_be_framed_or_run_outside_scripts(page)
    # Its code is a data: image, which the policy allows for images alone.
    assert "img-src 'self' data:" in page.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/", "/login", "/board", "/board?screen=1", "/no-such-page"])
def test_every_page_carries_the_policy(client, path):
    page = client.get(path)
    _assert_sent_to_browsers(page)
    _assert_cannot_be_framed_or_run_outside_scripts(page)


@pytest.mark.parametrize(
    "path",
    ["/healthz", "/api/v1/rankings", "/api/v1/openapi.json", "/api/v1/me", "/static/scan.js", "/static/screen.js"],
)
def test_every_other_response_carries_nosniff_and_a_referrer_policy(client, path):
    with client.get(path) as response:
        _assert_sent_to_browsers(response)


def test_the_moved_scripts_are_served_as_javascript(client):
    for name in ("scan.js", "screen.js"):
        with client.get(f"/static/{name}") as script:
            assert script.status_code == 200 and script.mimetype in ("text/javascript", "application/javascript")
