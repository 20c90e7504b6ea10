"""Debian's PgBouncer in transaction pooling mode in front of one database, for the benches: start and stop."""

import os
import shutil
import subprocess
import time
from pathlib import Path

import psycopg

BINARY = "/usr/sbin/pgbouncer"

CONFIG = """\
[databases]
{database} = host=127.0.0.1 port={pg_port} dbname={database} user=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {dir}/userlist.txt
pool_mode = transaction
max_client_conn = 1000
default_pool_size = {pool_size}
; a restarted server: drop the broken server connection and take a new one, the client never sees it
server_check_delay = 0
server_login_retry = 1
ignore_startup_parameters = extra_float_digits,options
logfile = {dir}/pgbouncer.log
pidfile = {dir}/pgbouncer.pid
"""


def as_postgres(command: list[str]) -> list[str]:
    # PgBouncer refuses to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def start(directory: Path, port: int, pg_port: int, database: str, pool_size: int = 20) -> str:
    """PgBouncer on 127.0.0.1:port for `database` of the server on pg_port; returns the app's URL through it."""
    if directory.exists():
        stop(directory)
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    (directory / "userlist.txt").write_text('"postgres" ""\n')
    (directory / "pgbouncer.ini").write_text(
        CONFIG.format(database=database, pg_port=pg_port, port=port, dir=directory, pool_size=pool_size)
    )
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
        for name in ("userlist.txt", "pgbouncer.ini"):
            shutil.chown(directory / name, "postgres")
    subprocess.run(as_postgres([BINARY, "-d", str(directory / "pgbouncer.ini")]), check=True)
    for _ in range(50):
        try:
            with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/{database}", prepare_threshold=None) as c:
                c.execute("SELECT 1")
            break
        except psycopg.OperationalError:
            time.sleep(0.1)
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}"


def stop(directory: Path) -> None:
    pid_file = directory / "pgbouncer.pid"
    try:
        pid = int(pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return
    try:
        os.kill(pid, 15)
    except ProcessLookupError:
        return
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
