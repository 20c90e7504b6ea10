"""deploy/nginx.conf in front of two gunicorns on one database: check-ins go through either, and with
TRUSTED_PROXIES=1 the app sees the address nginx saw, whatever X-Forwarded-For the client wrote."""

import http.client
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.events import codes
from tests.factories import PASSWORD
from tests.faults.conftest import ROOT, free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx (scripts/install-system-packages)")


def request(port, method, path, body=None, headers=None, source="127.0.0.1"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    try:
        payload = json.dumps(body) if body is not None else None
        conn.request(method, path, payload, {"Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def nginx_config(directory: Path, port: int, upstreams: list[int]) -> Path:
    """deploy/nginx.conf as shipped, on localhost: its upstream hosts and its listen port replaced."""
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = site.replace("10.0.0.11:8000", f"127.0.0.1:{upstreams[0]}").replace(
        "10.0.0.12:8000", f"127.0.0.1:{upstreams[1]}"
    )
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    temp = "".join(
        f"{kind}_temp_path {directory}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    config = directory / "nginx.conf"
    config.write_text(
        f"daemon off;\nuser root;\npid {directory}/nginx.pid;\nerror_log {directory}/error.log;\n"
        f"events {{ worker_connections 64; }}\n"
        f"http {{\naccess_log off;\n{temp}{site}\n}}\n"
    )
    return config


@pytest.fixture
def behind_nginx(app, database_url, tmp_path):
    """Two gunicorns (one worker each, TRUSTED_PROXIES=1) and nginx before them; yields nginx's port and the
    gunicorns' access logs."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "TRUSTED_PROXIES": "1",
        "PYTHONPATH": str(ROOT),
    }
    ports, logs, processes = [free_port(), free_port()], [tmp_path / "a.log", tmp_path / "b.log"], []
    try:
        for port, access_log in zip(ports, logs, strict=True):
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "-w",
                        "1",
                        "-b",
                        f"127.0.0.1:{port}",
                        "--access-logfile",
                        str(access_log),
                        "wsgi:app",
                    ],
                    cwd=ROOT,
                    env=env,
                    stderr=subprocess.DEVNULL,
                )
            )
        port = free_port()
        processes.append(
            subprocess.Popen([NGINX, "-c", str(nginx_config(tmp_path, port, ports))], stderr=subprocess.DEVNULL)
        )
        # Generous: two app imports on a busy 2-core CI machine; a quiet one starts them in about 2 s.
        deadline = time.monotonic() + 60
        while not all(_answers(p) for p in (*ports, port)):
            assert time.monotonic() < deadline, "gunicorn or nginx did not start"
            time.sleep(0.1)
        yield port, logs
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            # gunicorn's graceful stop waits for its workers; on a loaded machine that took over 10 s. Killed
            # after 30, so a stuck one never outlives the test.
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _answers(port) -> bool:
    try:
        return request(port, "GET", "/healthz")[0] == 200
    except OSError:
        return False


def test_through_nginx_check_ins_reach_both_hosts_and_a_spoofed_forwarded_for_changes_nothing(behind_nginx, make, app):
    port, logs = behind_nginx
    community = make.community()
    members = [make.member(community) for _ in range(3)]
    event = make.event(community)
    token = codes.printed(app.config["SECRET_KEY"], event.id, 1)
    for member in members:
        status, body = request(port, "POST", "/api/v1/auth/token", {"phone": member.phone, "password": PASSWORD})
        assert status == 200, body
        bearer = {"Authorization": f"Bearer {body['access_token']}"}
        first = request(port, "POST", "/api/v1/checkins", {"token": token}, bearer)
        again = request(port, "POST", "/api/v1/checkins", {"token": token}, bearer)
        assert (first[0], again[0]) == (201, 200)
        assert first[1]["checkin_id"] == again[1]["checkin_id"]
    # nginx took turns: each host served some of the requests.
    assert all(len(log.read_text().splitlines()) >= 2 for log in logs)

    # Wrong passwords, each under a made-up X-Forwarded-For: they all count against the address nginx saw.
    target = members[0]
    wrong = {"phone": target.phone, "password": "not-the-password"}
    for n in range(5):
        assert request(port, "POST", "/api/v1/auth/token", wrong, {"X-Forwarded-For": f"203.0.113.{n}"})[0] == 401
    right = {"phone": target.phone, "password": PASSWORD}
    status, body = request(port, "POST", "/api/v1/auth/token", right, {"X-Forwarded-For": "198.51.100.9"})
    assert (status, body["code"]) == (429, "locked_out")
    # The owner, from another address (nginx sees 127.0.0.2), is not refused.
    assert request(port, "POST", "/api/v1/auth/token", right, source="127.0.0.2")[0] == 200
