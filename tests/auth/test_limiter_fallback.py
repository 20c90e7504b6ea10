"""The in-memory fallback while the configured Redis is down, on a real Redis server that the test stops
(scripts/redis): Flask-Limiter would count in limits' MemoryStorage, which starts a timer thread per count."""

import os
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest
from limits.storage import RedisStorage

from app.auth.limits import SweptMemoryStorage
from tests.auth.conftest import REAL_LIMITS, login

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "redis"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_server(tmp_path):
    """(url, stop) of a Redis server of this test's own, stopped at the end if the test has not stopped it."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (scripts/redis start installs it)")
    env = {**os.environ, "REDIS_DIR": str(tmp_path / "redis"), "REDIS_PORT": str(_free_port())}
    started = subprocess.run([SCRIPT, "start"], env=env, check=True, capture_output=True, text=True)

    def stop():
        subprocess.run([SCRIPT, "stop"], env=env, check=True)

    yield started.stdout.strip(), stop
    stop()


@pytest.fixture
def app_config(redis_server):
    return {**REAL_LIMITS, "RATELIMIT_STORAGE_URI": redis_server[0]}


def test_while_redis_is_down_each_account_is_counted_in_memory_without_a_thread_per_count(
    app, client, make, redis_server, monkeypatch
):
    limiter = app.extensions["rate_limiter"]
    member = make.member()
    headers = {"Authorization": f"Bearer {login(client, member.phone).get_json()['access_token']}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert isinstance(limiter.limiter.storage, RedisStorage)
    started = []
    monkeypatch.setattr(threading.Timer, "start", lambda timer: started.append(timer))
    redis_server[1]()
    most = int(app.config["RATELIMIT_ACCOUNT"].split()[0])
    answers = [client.get("/api/v1/me", headers=headers) for _ in range(most + 1)]
    assert isinstance(limiter.limiter.storage, SweptMemoryStorage)
    assert [a.status_code for a in answers[:most]] == [200] * most
    assert answers[-1].status_code == 429 and answers[-1].get_json()["code"] == "rate_limited"
    assert int(answers[-1].headers["Retry-After"]) > 0
    assert started == []
