"""Behind a proxy: X-Forwarded-For names the client only when TRUSTED_PROXIES says how many proxies set it."""

import pytest

import config
from tests.auth.conftest import login
from tests.factories import PASSWORD

PROXY = "10.0.0.2"


def _via_proxy(client, phone, password, forwarded_for):
    return client.post(
        "/api/v1/auth/token",
        json={"phone": phone, "password": password},
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": PROXY},
    )


def test_by_default_x_forwarded_for_is_not_trusted(app, client, make):
    """Else a guesser would name a new address with each request and never be locked out."""
    assert app.config["TRUSTED_PROXIES"] == 0
    member = make.member()
    for n in range(app.config["LOGIN_MAX_FAILURES"]):
        _via_proxy(client, member.phone, "guess", f"203.0.113.{n}")
    assert _via_proxy(client, member.phone, PASSWORD, "203.0.113.99").status_code == 429


@pytest.mark.parametrize("app_config", [{"TRUSTED_PROXIES": 1}], indirect=True)
def test_with_one_trusted_proxy_the_address_it_saw_is_the_client(app, client, make):
    member = make.member()
    # A client may write anything to the left; the proxy appends the address it really saw.
    for n in range(app.config["LOGIN_MAX_FAILURES"]):
        _via_proxy(client, member.phone, "guess", f"192.0.2.{n}, 203.0.113.9")
    assert _via_proxy(client, member.phone, PASSWORD, "192.0.2.77, 203.0.113.9").status_code == 429
    # The member, elsewhere behind the same proxy, is not refused.
    assert _via_proxy(client, member.phone, PASSWORD, "198.51.100.7").status_code == 200
    assert login(client, member.phone, PASSWORD, PROXY).status_code == 200


def test_trusted_proxies_is_a_number_of_hops(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    assert config._trusted_proxies() == 2
    monkeypatch.setenv("TRUSTED_PROXIES", "")
    assert config._trusted_proxies() == 0
    monkeypatch.setenv("TRUSTED_PROXIES", "yes")
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        config._trusted_proxies()
