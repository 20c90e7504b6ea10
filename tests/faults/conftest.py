"""Faults: a PostgreSQL server of the test's own (to stop, restart, replicate), a hall to check in at,
and apps built on a database URL of the test's choosing."""

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from app import create_app
from app.extensions import db
from config import TestConfig

ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="an SQLite file's own faults")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="a PostgreSQL server's own faults")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A PostgreSQL server started by scripts/postgres, as an operator would: stop, start, restart it."""

    def __init__(self, directory: str, port: int, url: str):
        self.dir, self.port, self.url = directory, port, url

    def run(self, *args: str, **env: str) -> str:
        environment = {**os.environ, "PG_DIR": self.dir, "PG_PORT": str(self.port), **env}
        done = subprocess.run(
            [str(ROOT / "scripts" / "postgres"), *args], env=environment, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def pg_ctl(self, *args: str) -> None:
        binary = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1]
        command = [str(binary), "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-w", *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "stop")

    def start_again(self) -> None:
        # `scripts/postgres start` would make a new cluster; this starts the same one on the same port.
        self.pg_ctl("-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1", "start")

    def restart(self, mode: str) -> None:
        self.run("restart", mode)


@pytest.fixture(scope="session")
def own_postgres():
    """A small PostgreSQL server of this test run's own, on a free port (only on a PostgreSQL run: it
    needs Debian's server, which TEST_DATABASE_URL says is there)."""
    if not ON_POSTGRES:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    directory = tempfile.mkdtemp(prefix="ledger-faults-pg-")
    port = free_port()
    server = Server(directory, port, "")
    server.url = server.run("start")
    yield server
    server.run("stop")
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def own_database(own_postgres):
    """The schema, made once, in a database of the own server: the URL to build apps on."""
    app = app_on(own_postgres.url)
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return own_postgres.url


def app_on(url: str, **config):
    """An app on `url` with the test settings (TestConfig's, as the `app` fixture has them)."""
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    settings.update(config, SQLALCHEMY_DATABASE_URI=url)
    return create_app(settings)


def close(app) -> None:
    """Hands back an app's connections (its replica's too), so no server keeps them after the test."""
    with app.app_context():
        db.engine.dispose()
    if "replica" in app.extensions:
        app.extensions["replica"]["engine"].dispose()


@pytest.fixture
def hall(make):
    community = make.community()
    member = make.member(community)
    return SimpleNamespace(community=community, member=member, event=make.event(community))


@pytest.fixture(scope="session")
def replica(own_postgres, own_database):
    """A streaming replica of the own server, made by scripts/postgres (pg_basebackup -R) once the schema
    is there; yields a Server for it."""
    directory = tempfile.mkdtemp(prefix="ledger-faults-replica-")
    server = Server(directory, free_port(), "")
    server.url = own_postgres.run("replica", REPLICA_DIR=directory, REPLICA_PORT=str(server.port))
    yield server
    server.run("stop")
    shutil.rmtree(directory, ignore_errors=True)
