"""The check-in token: short, authentic, bound to one event, carrying nothing personal."""

import base64
import string
from datetime import UTC, datetime

import pytest

from app.events import codes as tokens
from app.events.codes import InvalidToken

KEY = "server-key"
EXPIRY = datetime(2026, 11, 29, 1, 0, 45, tzinfo=UTC)


def test_a_printed_token_is_short_and_names_only_the_event_and_its_key_version():
    token = tokens.printed(KEY, 4321, 3)
    assert 20 <= len(token) <= 30
    assert set(token) <= set(string.ascii_letters + string.digits + "-_")
    assert tokens.read(KEY, token) == tokens.Claim(4321, tokens.PRINTED, key_version=3)


def test_a_screen_token_carries_its_expiry():
    claim = tokens.read(KEY, tokens.screen(KEY, 7, EXPIRY))
    assert claim == tokens.Claim(7, tokens.SCREEN, expires_at=EXPIRY)


def test_every_single_character_change_is_refused():
    token = tokens.printed(KEY, 12, 1)
    for i, ch in enumerate(token):
        for other in "A0_-z":
            if other != ch:
                with pytest.raises(InvalidToken):
                    tokens.read(KEY, token[:i] + other + token[i + 1 :])


def test_a_token_signed_with_another_key_is_refused():
    with pytest.raises(InvalidToken):
        tokens.read(KEY, tokens.printed("another-server", 12, 1))


def test_another_events_id_spliced_into_a_token_is_refused():
    mine = base64.urlsafe_b64decode(tokens.printed(KEY, 12, 1) + "==")
    theirs = base64.urlsafe_b64decode(tokens.printed(KEY, 13, 1) + "==")
    spliced = theirs[:9] + mine[9:]
    with pytest.raises(InvalidToken):
        tokens.read(KEY, base64.urlsafe_b64encode(spliced).rstrip(b"=").decode())


@pytest.mark.parametrize("token", ["", "abc", "A" * 26, "A" * 27, "%" * 26, "中" * 26, "A" * 500])
def test_malformed_tokens_are_refused(token):
    with pytest.raises(InvalidToken) as refused:
        tokens.read(KEY, token)
    assert refused.value.code == "invalid_token" and refused.value.status == 400
