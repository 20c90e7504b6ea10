"""The return-day burst in one command (bench/burst/run): PostgreSQL, gunicorn, wrk, an open-loop client,
the replay of every pair, pgbench, and the figures side by side. See README.md."""

import argparse
import concurrent.futures
import http.client
import json
import math
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from bench.burst import loadgen  # noqa: E402

HOST = "127.0.0.1"
SECRET_KEY = "burst-bench-only-key-not-for-any-server"
# Extra events in the pgbench copy, and how many of them each pgbench run takes: pgbench walks pairs
# from the first again on every run, and a pair may be scanned only once.
PGBENCH_EVENTS, PGBENCH_STRIDE = 400, 100
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message} (load {os.getloadavg()[0]:.2f})", file=sys.stderr, flush=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


class CPU:
    """CPU seconds of the bench's own processes and of the whole machine, to say who used the two cores."""

    def __init__(self, bench: "Bench"):
        self.bench = bench
        self.start = self.read()

    @staticmethod
    def _proc(pid: int, children_too: bool = False) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            return 0.0
        ticks = int(fields[11]) + int(fields[12]) + ((int(fields[13]) + int(fields[14])) if children_too else 0)
        return ticks / CLK_TCK

    def read(self) -> dict:
        stat = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        ticks = [int(x) for x in stat]
        idle = ticks[3] + ticks[4]
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        postmaster = self.bench.postmaster_pid()
        return {
            "machine_busy": (sum(ticks[:8]) - idle) / CLK_TCK,
            "app": sum(self._proc(pid) for pid in self.bench.worker_pids()),
            # Backends that exit are reaped by the postmaster, which then counts their CPU as its children's.
            "postgres": (
                self._proc(postmaster, children_too=True) + sum(self._proc(pid) for pid in children_of(postmaster))
            )
            if postmaster
            else 0.0,
            "client": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime,
        }

    def spent(self) -> dict:
        end = self.read()
        used = {k: end[k] - self.start[k] for k in end}
        used["others"] = max(0.0, used["machine_busy"] - used["app"] - used["postgres"] - used["client"])
        return used


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            pass
    return found


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Bench:
    def __init__(self, args):
        self.args = args
        self.out = args.out
        if (self.out / "accounts.tsv").exists():  # an earlier run's folder, and only that, is emptied
            shutil.rmtree(self.out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.pg_env = {**os.environ, "PG_DIR": args.pg_dir, "PG_PORT": str(args.pg_port)}
        self.server = None
        self.spy = None
        self.url = None
        self.env = None
        self.results: dict = {
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "cpus": os.cpu_count(),
            "args": {k: str(v) for k, v in vars(args).items()},
        }

    # -- processes ---------------------------------------------------------------------------------------
    def postmaster_pid(self) -> int | None:
        pid_file = Path(self.args.pg_dir) / "data" / "postmaster.pid"
        try:
            return int(pid_file.read_text().split("\n", 1)[0])
        except (FileNotFoundError, ValueError):
            return None

    def worker_pids(self) -> list[int]:
        return children_of(self.server.pid) if self.server and self.server.poll() is None else []

    def start_postgres(self) -> None:
        log(f"starting PostgreSQL in {self.args.pg_dir} on port {self.args.pg_port}")
        server_url = subprocess.run(
            [str(ROOT / "scripts" / "postgres"), "start"], env=self.pg_env, check=True, capture_output=True, text=True
        ).stdout.strip()
        self.dsn = server_url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0]
        with psycopg.connect(f"{self.dsn}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE burst")
        self.url = server_url.rsplit("/", 1)[0] + "/burst"
        self.env = {**os.environ, "DATABASE_URL": self.url, "SECRET_KEY": SECRET_KEY, "PYTHONPATH": str(ROOT)}

    def flask(self, *command: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *command],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            **kwargs,
        )

    def start_server(self) -> None:
        log(f"starting gunicorn, {self.args.workers} workers, on {HOST}:{self.args.port}")
        self.server_log = open(self.out / "gunicorn.log", "w")
        self.server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                str(self.args.workers),
                "-b",
                f"{HOST}:{self.args.port}",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.server_log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(150):
            try:
                if self.get("/healthz")[0] == 200 and len(self.worker_pids()) == self.args.workers:
                    return
            except OSError:
                pass
            if self.server.poll() is not None:
                sys.exit(f"gunicorn exited; see {self.out / 'gunicorn.log'}")
            time.sleep(0.2)
        sys.exit("gunicorn did not answer /healthz")

    def stop(self) -> None:
        if self.spy and self.spy.poll() is None:
            self.spy.terminate()
            self.spy.wait()
        if self.server and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        subprocess.run([str(ROOT / "scripts" / "postgres"), "stop"], env=self.pg_env, capture_output=True)

    # -- HTTP --------------------------------------------------------------------------------------------
    def get(self, path: str) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection(HOST, self.args.port, timeout=10)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def _login(self, account: tuple[str, str, str]) -> tuple[int, str | None]:
        member_id, phone, password = account
        conn = http.client.HTTPConnection(HOST, self.args.port, timeout=30)
        try:
            conn.request(
                "POST",
                "/api/v1/auth/token",
                json.dumps({"phone": phone, "password": password}),
                {"Content-Type": "application/json"},
            )
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
        return int(member_id), json.loads(body)["access_token"] if response.status == 200 else None

    def bearers(self) -> dict[int, str]:
        """One bearer token per member through POST /api/v1/auth/token; minted in the app's own way only for
        the logins a rate limit refused (the bench must measure check-ins, not wait out a login limit)."""
        accounts = [tuple(line.rstrip("\n").split("\t")) for line in open(self.out / "accounts.tsv")]
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            issued = dict(pool.map(self._login, accounts))
        refused = [m for m, token in issued.items() if token is None]
        if refused:
            issued.update(self._mint(refused))
        self.results["logins"] = {
            "issued_by_api": len(issued) - len(refused),
            "minted": len(refused),
            "seconds": round(time.monotonic() - started, 1),
        }
        log(f"{len(issued) - len(refused)} bearer tokens from POST /api/v1/auth/token, {len(refused)} minted")
        return issued

    def _mint(self, member_ids: list[int]) -> dict[int, str]:
        os.environ.update(DATABASE_URL=self.url, SECRET_KEY=SECRET_KEY)
        from app import create_app
        from app.auth import tokens
        from app.auth.models import Account
        from app.extensions import db

        app = create_app()
        with app.app_context():
            accounts = db.session.query(Account).filter(Account.member_id.in_(member_ids)).all()
            minted = {a.member_id: tokens.issue(a)[0] for a in accounts}
            db.engine.dispose()
        return minted

    def page_cookies(self) -> dict[int, str]:
        """A login session per member, made as /login makes it (app.auth.operations.start_session), and the
        session cookie that carries it, signed as Flask signs it: the page phase is not a test of logging in, and
        /login's limit per address would refuse a thousand phones behind one client."""
        os.environ.update(DATABASE_URL=self.url, SECRET_KEY=SECRET_KEY)
        from app import create_app
        from app.auth.models import Account
        from app.auth.operations import start_session
        from app.db import utcnow
        from app.extensions import db

        app = create_app()
        signer = app.session_interface.get_signing_serializer(app)
        name = app.config["SESSION_COOKIE_NAME"]
        with app.app_context():
            accounts = db.session.query(Account).filter(Account.member_id.in_(self.members)).all()
            cookies = {a.member_id: f"{name}={signer.dumps({'sid': start_session(a, utcnow())})}" for a in accounts}
            db.engine.dispose()
        return cookies

    def page_phase(self, cookies: dict[int, str]) -> dict:
        """Members scanning through the /c page, as their phones' cameras open it: GET, then the form's POST."""
        pairs = self.pairs("page")
        cpu = CPU(self)
        started = time.perf_counter()
        answers = loadgen.page_loop(
            HOST, self.args.port, [(f"/c/{token}", cookies[m]) for m, token in pairs], 16, self.args.page_seconds
        )
        seconds = time.perf_counter() - started
        sent = [(pair, a) for pair, a in zip(pairs, answers, strict=True) if a is not None]
        results = Counter(a.body["result"] for _, a in sent)
        lat = [a.latency_s * 1000 for _, a in sent if a.body["result"] == "checked_in"]
        token_event = {token: event for event, token in self.events["page"]}
        return {
            "seconds": seconds,
            "results": dict(results),
            "scans_per_s": results.get("checked_in", 0) / seconds,
            "latency_ms": {"p50": percentile(lat, 50), "p99": percentile(lat, 99)},
            "cpu": cpu.spent(),
            # (member, event) of every scan the page said was checked in
            "answered": [(m, token_event[token]) for (m, token), a in sent if a.body["result"] == "checked_in"],
        }

    # -- load ----------------------------------------------------------------------------------------------
    def load(self) -> None:
        log("migrating (flask db upgrade)")
        upgrade = self.flask("db", "upgrade")
        if upgrade.returncode:
            sys.exit(upgrade.stderr)
        log(f"loading {self.args.members} members and the events")
        pools = [f"--pool={name}={count}" for name, count in self.pools().items()]
        subprocess.run(
            [
                sys.executable,
                str(HERE / "load.py"),
                "--members",
                str(self.args.members),
                "--out",
                str(self.out),
                *pools,
            ],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        self.events: dict[str, list[tuple[int, str]]] = {}
        for line in open(self.out / "events.tsv"):
            pool, event_id, token = line.rstrip("\n").split("\t")
            self.events.setdefault(pool, []).append((int(event_id), token))
        self.members = [int(line.split("\t")[0]) for line in open(self.out / "accounts.tsv")]

    def pools(self) -> dict[str, int]:
        """Events per pool: the burst's own, and enough for the other phases never to run out of new pairs."""
        a = self.args
        return {
            "warmup": 1,
            "inside": 2,  # the API's scans, then the /c page's
            "burst": a.events,
            "c16": math.ceil(a.c16_max_rate * a.c16_seconds / a.members),
            "page": math.ceil(a.page_max_rate * a.page_seconds / a.members),
            "open": math.ceil(a.rate * a.open_seconds / a.members),
        }

    def pairs(self, pool: str) -> list[tuple[int, str]]:
        """(member, printed token) in scanning order: event by event, every member once per event, so the
        scans in flight at once are of different members, as in a hall."""
        return [(m, token) for _, token in self.events[pool] for m in self.members]

    def prepare_pgbench_copy(self) -> None:
        """A copy of the loaded database for pgbench, with a first record on every chain that has none yet (the
        history gave most of them theirs) and spare events."""
        with psycopg.connect(f"{self.dsn}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE burst_pgbench TEMPLATE burst")
        with psycopg.connect(f"{self.dsn}/burst_pgbench") as conn:
            conn.execute(
                """
                INSERT INTO ledger_records (chain, seq, kind, prev_hash, hash, period, created_at, points, rule,
                                            source, state)
                SELECT id, 1, 'entry', '', md5(id::text) || md5(id::text), %s, '2026-01-01T00:00:00.000000Z', 0,
                       'manual.adjust', 'manual', 'posted'
                FROM members WHERE NOT EXISTS (SELECT 1 FROM ledger_records WHERE chain = members.id)""",
                (self.period(),),
            )
            first = conn.execute(
                """
                INSERT INTO events (community_id, title, category, kind, starts_at, ends_at, checkin_opens_at,
                                    checkin_closes_at, key_version, created_at)
                SELECT (SELECT min(id) FROM communities), 'pgbench ' || n, '政策宣传', 'service', now(), now(), now(),
                       now(), 1, now()
                FROM generate_series(1, %s) AS n RETURNING id""",
                (PGBENCH_EVENTS,),
            ).fetchall()
            ids = sorted(row[0] for row in first)
            assert ids == list(range(ids[0], ids[0] + PGBENCH_EVENTS)), "pgbench needs consecutive event ids"
            self.pgbench_first_event = ids[0]
            conn.execute("ANALYZE")

    @staticmethod
    def period() -> str:
        from ledger import periods

        return periods.month_of(datetime.now(UTC))

    # -- phases --------------------------------------------------------------------------------------------
    def write_pairs(self, name: str, pairs: list[tuple[int, str]], bearers: dict[int, str]) -> Path:
        path = self.out / f"{name}.pairs"
        path.write_text("".join(f"{token} {bearers[m]}\n" for m, token in pairs))
        return path

    def wrk_checkins(self, name: str, pairs: list, bearers: dict, connections: int, seconds: int) -> dict:
        path = self.write_pairs(name, pairs, bearers)
        acks = self.out / f"{name}.acks"
        env = {**os.environ, "PAIRS": str(path), "ACKS": str(acks), "THREADS": str(self.args.threads)}
        cpu = CPU(self)
        run = subprocess.run(
            [
                "wrk",
                f"-t{self.args.threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "30s",
                "-s",
                str(HERE / "checkins.lua"),
                f"http://{HOST}:{self.args.port}",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        (self.out / f"{name}.wrk.txt").write_text(run.stdout + run.stderr)
        result = self._read_acks(acks, len(pairs))
        result["cpu"] = cpu.spent()
        result["connections"] = connections
        if result["exhausted"]:
            # Every pair was sent before the time was up: wrk's clock ran on, the database's did not.
            result["seconds"] = self._span_s([e for e, _ in self.events[name]]) or result["seconds"]
        result["new_per_s"] = result["statuses"].get("201", 0) / result["seconds"]
        result["sent_pairs"] = [pairs[i] for i in result.pop("sent_indices")]
        return result

    def _read_acks(self, path: Path, total: int) -> dict:
        sent, statuses, acks, latency, stats = {}, Counter(), [], {}, {}
        for line in open(path):
            kind, *rest = line.split()
            if kind == "sent":
                sent[int(rest[0])] = int(rest[1])
            elif kind == "status":
                statuses[rest[0]] += int(rest[1])
            elif kind == "ack":
                acks.append(tuple(int(x) for x in rest))
            elif kind == "latency_ms":
                latency[rest[0]] = float(rest[1])
            else:
                stats[kind] = float(rest[0])
        n = self.args.threads
        indices = sorted(i for t, count in sent.items() for i in range(t, total, n)[:count])
        return {
            "statuses": dict(statuses),
            "acks": acks,
            "latency_ms": latency,
            "seconds": stats["duration_s"],
            "responses": int(stats["requests"]),
            "exhausted": len(indices) >= total,
            "sent_indices": indices,
        }

    def _span_s(self, event_ids: list[int]) -> float | None:
        with psycopg.connect(f"{self.dsn}/burst") as conn:
            low, high = conn.execute(
                "SELECT min(created_at), max(created_at) FROM checkins WHERE event_id = ANY(%s)", (event_ids,)
            ).fetchone()
        return (high - low).total_seconds() if low and high and high > low else None

    def wrk_healthz(self, seconds: int) -> dict:
        cpu = CPU(self)
        run = subprocess.run(
            [
                "wrk",
                f"-t{self.args.threads}",
                "-c64",
                f"-d{seconds}s",
                "--latency",
                f"http://{HOST}:{self.args.port}/healthz",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        (self.out / "healthz.wrk.txt").write_text(run.stdout)
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", run.stdout).group(1))
        bad = re.search(r"Non-2xx or 3xx responses: (\d+)", run.stdout)
        errors = re.search(r"Socket errors: (.*)", run.stdout)
        return {
            "per_s": rate,
            "non_2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(1) if errors else None,
            "requests": int(re.search(r"(\d+) requests in", run.stdout).group(1)),
            "cpu": cpu.spent(),
        }

    def open_loop(self, pairs: list, bearers: dict) -> dict:
        requests = [loadgen.checkin_request(HOST, self.args.port, token, bearers[m]) for m, token in pairs]
        cpu = CPU(self)
        answers, seconds = loadgen.open_loop(HOST, self.args.port, requests, self.args.rate)
        statuses = Counter(str(a.status) for a in answers)
        ok = [a for a in answers if a.status in (200, 201)]
        lat = [a.latency_s * 1000 for a in ok]
        return {
            "offered_per_s": self.args.rate,
            "sent": len(answers),
            "seconds": seconds,
            "statuses": dict(statuses),
            "new_per_s": statuses.get("201", 0) / seconds,
            "latency_ms": {
                "p50": percentile(lat, 50),
                "p90": percentile(lat, 90),
                "p99": percentile(lat, 99),
                "max": max(lat, default=float("nan")),
            },
            "client_lag_ms_p99": percentile([a.lag_s * 1000 for a in answers], 99),
            "acks": [(a.status, a.body["member_id"], a.body["event_id"], a.body["checkin_id"]) for a in ok],
            "cpu": cpu.spent(),
            "sent_pairs": pairs,
        }

    def replay(self, pairs: list, bearers: dict) -> list:
        requests = [loadgen.checkin_request(HOST, self.args.port, token, bearers[m]) for m, token in pairs]
        answers = loadgen.closed_loop(HOST, self.args.port, requests, 16)
        return [(m, token, a.status, a.body.get("checkin_id")) for (m, token), a in zip(pairs, answers, strict=True)]

    def drain(self) -> float:
        """Wait until the server has worked off what the open loop left queued (it answers requests whose
        client gave up, too), so that the replay is not timed out behind them; returns the seconds waited."""
        started = time.monotonic()
        while True:
            asked = time.monotonic()
            try:
                conn = http.client.HTTPConnection(HOST, self.args.port, timeout=300)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                conn.close()
            except OSError:
                pass
            if time.monotonic() - asked < 0.5 or time.monotonic() - started > 300:
                return round(time.monotonic() - started, 1)

    def worker_memory(self) -> list[float]:
        return [round(rss_mb(pid), 1) for pid in sorted(self.worker_pids())]

    def inside(self) -> None:
        """The round trips of one check-in (and with --profile a cProfile), in a process of its own."""
        command = [sys.executable, str(HERE / "inside.py"), str(self.out), "inside"]
        if self.args.profile:
            command += ["--profile", "300"]
        run = subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True, check=True)
        (self.out / "inside.txt").write_text(run.stdout)
        trips = re.findall(r"^== (.*?): (\d+) round trips", run.stdout, re.M)
        self.results["round_trips"] = {title: int(n) for title, n in trips}
        self.results["one_process_ms"] = {
            what: {"wall": float(wall), "cpu": float(cpu)}
            for what, wall, cpu in re.findall(
                r"^  (check-in|/healthz|/c page, GET|/c page, POST): ([\d.]+) ms wall, ([\d.]+) ms CPU",
                run.stdout,
                re.M,
            )
        }

    def start_spy(self, seconds: int) -> None:
        worker = sorted(self.worker_pids())[0]
        self.spy = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "py-spy"),
                "record",
                "--pid",
                str(worker),
                "--rate",
                "200",
                "--duration",
                str(seconds),
                "--format",
                "raw",
                "--nonblocking",
                "--output",
                str(self.out / "pyspy.txt"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=open(self.out / "pyspy.log", "w"),
        )

    def pgbench(self, script: str, clients: int, run: int) -> float:
        first_event = self.pgbench_first_event + run * PGBENCH_STRIDE
        command = [
            "pgbench",
            "-h",
            HOST,
            "-p",
            str(self.args.pg_port),
            "-U",
            "postgres",
            "-n",
            "-M",
            "prepared",
            "-c",
            str(clients),
            "-j",
            str(min(clients, self.args.threads)),
            "-T",
            str(self.args.pgbench_seconds),
            "-D",
            "k=0",
            "-D",
            f"period={self.period()}",
            "-D",
            f"clients={clients}",
            "-D",
            f"members={len(self.members)}",
            "-D",
            f"first_member={min(self.members)}",
            "-D",
            f"first_event={first_event}",
            "-f",
            str(HERE / script),
            "burst_pgbench",
        ]
        done = subprocess.run(command, capture_output=True, text=True)
        (self.out / f"pgbench-{script}-{clients}.txt").write_text(done.stdout + done.stderr)
        found = re.search(r"tps = ([\d.]+) \(without initial connection time\)", done.stdout)
        if done.returncode or not found:
            sys.exit(f"pgbench failed: {done.stderr[-2000:]}")
        return float(found.group(1))

    def integrity(self, phases: dict, replayed: list, page_answered: list) -> dict:
        with psycopg.connect(f"{self.dsn}/burst") as conn:
            rows = {
                cid: (event, member)
                for cid, event, member in conn.execute("SELECT id, event_id, member_id FROM checkins")
            }
            doubled_checkins = conn.execute("""SELECT count(*) FROM (SELECT 1 FROM checkins GROUP BY event_id, member_id
                                               HAVING count(*) > 1) AS d""").fetchone()[0]
            doubled_entries = conn.execute("""SELECT count(*) FROM (SELECT 1 FROM entry_status WHERE source = 'checkin'
                                              GROUP BY source_id HAVING count(*) > 1) AS d""").fetchone()[0]
            doubled_records = conn.execute("""SELECT count(*) FROM (SELECT 1 FROM ledger_records
                                              WHERE kind = 'entry' AND source = 'checkin'
                                              GROUP BY source_id HAVING count(*) > 1) AS d""").fetchone()[0]
            without_entry = conn.execute("""SELECT count(*) FROM checkins c WHERE NOT EXISTS (
                                            SELECT 1 FROM entry_status s WHERE s.source = 'checkin'
                                            AND s.source_id = c.id)""").fetchone()[0]
        acked = {(member, event): checkin for phase in phases.values() for _, member, event, checkin in phase["acks"]}
        # Lost: acknowledged, yet no such row now, or a replay that had to create it anew.
        lost = {pair for pair, checkin in acked.items() if rows.get(checkin) != (pair[1], pair[0])}
        token_event = {token: event for pool in self.events.values() for event, token in pool}
        replay_status = Counter(status for _, _, status, _ in replayed)
        changed = sum(
            1
            for m, token, status, checkin in replayed
            if status in (200, 201) and (m, token_event[token]) in acked and checkin != acked[(m, token_event[token])]
        )
        added = [(m, token_event[token]) for m, token, status, _ in replayed if status == 201]
        lost.update(pair for pair in added if pair in acked)
        # The page answers with a page, not the check-in's id: a scan it said was checked in must have its row.
        kept = set(rows.values())
        page_lost = sum(1 for member, event in page_answered if (event, member) not in kept)
        return {
            "acked": len(acked) + len(page_answered),
            "lost": len(lost) + page_lost,
            "page_lost": page_lost,
            "replayed": len(replayed),
            "replay_statuses": dict(replay_status),
            "replay_added": len(added),
            "replay_other_checkin": changed,
            "doubled": doubled_checkins + doubled_entries + doubled_records,
            "doubled_detail": {"checkins": doubled_checkins, "entries": doubled_entries, "records": doubled_records},
            "checkins_without_entry": without_entry,
        }

    # -- the run -------------------------------------------------------------------------------------------
    def run(self) -> None:
        a = self.args
        self.start_postgres()
        self.load()
        self.prepare_pgbench_copy()
        self.inside()
        self.start_server()
        bearers = self.bearers()
        log("warming up (not counted)")
        self.wrk_checkins("warmup", self.pairs("warmup"), bearers, 16, 3)
        subprocess.run(["wrk", "-t1", "-c8", "-d2s", f"http://{HOST}:{a.port}/healthz"], capture_output=True)
        phases = {}
        log(
            f"wrk: POST /api/v1/checkins, 64 connections, {a.seconds} s"
            + (" (py-spy recording one worker)" if a.profile else "")
        )
        if a.profile:
            self.start_spy(a.seconds)
        phases["burst"] = self.wrk_checkins("burst", self.pairs("burst"), bearers, 64, a.seconds)
        if self.spy:
            self.spy.wait()
            summary = subprocess.run(
                [sys.executable, str(HERE / "spy_summary.py"), str(self.out / "pyspy.txt")],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            (self.out / "pyspy-summary.txt").write_text(summary)
            self.results["pyspy_steps"] = summary.split("\n\n")[1]
        log(f"wrk: GET /healthz, 64 connections, {a.healthz_seconds} s")
        healthz = self.wrk_healthz(a.healthz_seconds)
        log(f"wrk: POST /api/v1/checkins, 16 connections, {a.c16_seconds} s")
        phases["c16"] = self.wrk_checkins("c16", self.pairs("c16"), bearers, 16, a.c16_seconds)
        log(f"the /c page: 16 phones, each opening the page and tapping, {a.page_seconds} s")
        page = self.page_phase(self.page_cookies())
        pairs = self.pairs("open")[: int(a.rate * a.open_seconds)]
        log(f"open loop: {len(pairs)} check-ins offered at {a.rate:g}/s")
        phases["open"] = self.open_loop(pairs, bearers)
        memory = self.worker_memory()
        self.results["drained_after_s"] = self.drain()
        sent = [p for name in ("burst", "c16", "open") for p in phases[name]["sent_pairs"]]
        log(f"replaying the {len(sent)} pairs sent")
        replayed = self.replay(sent, bearers)
        self.server.terminate()
        self.server.wait(timeout=30)
        checks = self.integrity(phases, replayed, page["answered"])
        log("flask ledger verify")
        started = time.monotonic()
        verify = self.flask("ledger", "verify")
        checks["ledger_verify"] = {
            "ok": verify.returncode == 0,
            "seconds": round(time.monotonic() - started, 1),
            "output": verify.stdout.strip().splitlines()[-1:] if verify.stdout else verify.stderr[-500:],
        }
        log("pgbench: the check-in's writes, then every statement of the request")
        tps = {}
        runs = (("writes.sql", a.workers), ("writes.sql", 16), ("request.sql", 16), ("writes_as_filed.sql", 16))
        for run, (script, clients) in enumerate(runs):
            tps[f"{script} -c {clients}"] = self.pgbench(script, clients, run)
        self.results.update(
            phases={k: {x: y for x, y in v.items() if x not in ("acks", "sent_pairs")} for k, v in phases.items()},
            page={k: v for k, v in page.items() if k != "answered"},
            healthz=healthz,
            worker_rss_mb=memory,
            integrity=checks,
            pgbench_tps=tps,
            load_after=os.getloadavg(),
        )
        (self.out / "summary.json").write_text(json.dumps(self.results, indent=2, ensure_ascii=False, default=str))
        self.report()

    def report(self) -> None:
        r = self.results
        burst, c16, open_, health = r["phases"]["burst"], r["phases"]["c16"], r["phases"]["open"], r["healthz"]
        writes = max(v for k, v in r["pgbench_tps"].items() if k.startswith("writes.sql"))
        as_filed = r["pgbench_tps"].get("writes_as_filed.sql -c 16")
        checks = r["integrity"]

        def cpu_ms(phase: dict, count: int, who: str) -> float:
            return phase["cpu"][who] * 1000 / max(count, 1)

        def per_request(phase: dict, count: int) -> float:
            return sum(phase["cpu"][who] for who in ("app", "postgres", "client")) / max(count, 1)

        n_burst = burst["statuses"].get("201", 0)
        page = r["page"]
        n_page = page["results"].get("checked_in", 0)
        lines = [
            "",
            f"bench/burst: {len(self.members)} members, gunicorn {self.args.workers} workers, {os.cpu_count()} CPUs "
            f"(load average after: {' '.join(f'{x:.2f}' for x in r['load_after'])})",
            "",
            f"check-ins/s (64 connections)   {burst['new_per_s']:8.1f}   ({n_burst} new in {burst['seconds']:.1f} s"
            + (", every pair used: rate from the database's first and last" if burst["exhausted"] else "")
            + ")",
            f"/healthz/s (64 connections)    {health['per_s']:8.1f}",
            f"ratio to /healthz              {burst['new_per_s'] / health['per_s']:8.2f}   (goal >= 0.5)",
            f"pgbench writes tps (best)      {writes:8.1f}   "
            + ", ".join(f"{k}: {v:.0f}" for k, v in r["pgbench_tps"].items()),
            f"ratio to pgbench writes        {burst['new_per_s'] / writes:8.2f}   (goal >= 0.35; writes.sql, the app's own)",
            # The goal in check-ins/s beside the rate of the cheapest request this stack serves: above it, no
            # check-in however lean could reach the goal on this machine.
            f"  the goal asks                {0.35 * writes:8.0f}   check-ins/s; /healthz (one SELECT 1) itself serves "
            f"{health['per_s']:.0f}/s, {0.35 * writes / health['per_s']:.2f}x of it",
            *(
                [
                    f"ratio to the issue's writes    {burst['new_per_s'] / as_filed:8.2f}   (writes_as_filed.sql, 6 statements)"
                ]
                if as_filed
                else []
            ),
            f"lost                           {checks['lost']:8d}   (of {checks['acked']} acknowledged; replay: "
            f"{checks['replay_statuses']}, {checks['replay_added']} added, {checks['replay_other_checkin']} answered "
            f"another check-in)",
            f"doubled                        {checks['doubled']:8d}   {checks['doubled_detail']}; check-ins without an "
            f"entry: {checks['checkins_without_entry']}",
            f"ledger verify                  {'OK' if checks['ledger_verify']['ok'] else 'FAILED':>8}   "
            f"{checks['ledger_verify']['output']}",
            f"worker RSS MB after the run    {' '.join(str(m) for m in r['worker_rss_mb'])}",
            f"latency, 16 connections        p50 {c16['latency_ms']['p50']:.0f} ms, "
            f"p99 {c16['latency_ms']['p99']:.0f} ms "
            f"(goal p99 < 100 ms; {c16['new_per_s']:.0f} check-ins/s)",
            f"the /c page, 16 phones         {page['scans_per_s']:8.1f}   scans/s (open and tap: GET and POST), p50 "
            f"{page['latency_ms']['p50']:.0f} ms, p99 {page['latency_ms']['p99']:.0f} ms a scan; results {page['results']};"
            f" CPU ms a scan: app {cpu_ms(page, n_page, 'app'):.1f}, postgres {cpu_ms(page, n_page, 'postgres'):.1f}",
            f"latency, 64 connections        p50 {burst['latency_ms']['p50']:.0f} ms, "
            f"p99 {burst['latency_ms']['p99']:.0f} ms",
            f"latency, {open_['offered_per_s']:g}/s offered (open loop) p50 {open_['latency_ms']['p50']:.0f} ms, "
            f"p99 {open_['latency_ms']['p99']:.0f} ms, max {open_['latency_ms']['max']:.0f} ms; answered "
            f"{open_['new_per_s']:.0f} new/s, statuses {open_['statuses']}, client's own lag p99 "
            f"{open_['client_lag_ms_p99']:.1f} ms; the server's backlog worked off {r['drained_after_s']} s later",
            f"statuses (64 connections)      {burst['statuses']}; 16 connections {c16['statuses']}; /healthz non-2xx "
            f"{health['non_2xx']}",
            "database round trips           " + ", ".join(f"{k}: {v}" for k, v in r.get("round_trips", {}).items()),
            f"CPU ms per request, 64 conns   check-in: app {cpu_ms(burst, n_burst, 'app'):.1f}, postgres "
            f"{cpu_ms(burst, n_burst, 'postgres'):.1f}, wrk {cpu_ms(burst, n_burst, 'client'):.1f}; "
            f"/healthz: app {cpu_ms(health, health['requests'], 'app'):.2f}, postgres "
            f"{cpu_ms(health, health['requests'], 'postgres'):.2f}",
            "ratio of CPU per request       "
            f"{per_request(health, health['requests']) / per_request(burst, n_burst):8.2f}"
            f"   (/healthz's app+postgres+client CPU per request over a check-in's: the ratio to /healthz that the"
            f" bench would see with the machine to itself, both being CPU-bound)",
            "CPU s used in the 64-conn run  "
            + ", ".join(f"{k} {v:.1f}" for k, v in burst["cpu"].items())
            + f" (of {burst['seconds'] * os.cpu_count():.0f} available); in the /healthz run others used "
            f"{health['cpu']['others']:.1f} of {self.args.healthz_seconds * os.cpu_count()}",
            "one process, one check-in after another (no HTTP server, no concurrency): "
            + ", ".join(
                f"{what} {v['wall']:.1f} ms wall / {v['cpu']:.1f} ms CPU" for what, v in r["one_process_ms"].items()
            ),
            f"logins                         {r['logins']}",
            f"(everything in {self.out})",
        ]
        if "pyspy_steps" in r:
            lines[-1:-1] = [
                "",
                "py-spy, one worker during the 64-connection run (pyspy-summary.txt has more):",
                r["pyspy_steps"],
                "",
            ]
        print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument(
        "--events",
        type=int,
        default=16,
        help="events of the 64-connection burst (16 × 1,000 pairs outlast 15 s at 600/s)",
    )
    parser.add_argument("--seconds", type=int, default=15, help="the 64-connection wrk run")
    parser.add_argument("--healthz-seconds", type=int, default=10)
    parser.add_argument("--c16-seconds", type=int, default=10)
    parser.add_argument("--c16-max-rate", type=int, default=600, help="sizes the 16-connection pool of pairs")
    parser.add_argument("--page-seconds", type=int, default=10, help="the /c page's run, 16 phones")
    parser.add_argument("--page-max-rate", type=int, default=300, help="sizes the page's pool of pairs (scans/s)")
    parser.add_argument("--rate", type=float, default=400, help="the open loop's offered check-ins per second")
    parser.add_argument(
        "--open-seconds",
        type=float,
        default=5,
        help="how long the open loop offers; past capacity the backlog grows all along",
    )
    parser.add_argument("--pgbench-seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BURST_PORT", 8701)))
    parser.add_argument("--pg-dir", default=os.environ.get("PG_DIR", "/tmp/pg-burst"))
    parser.add_argument("--pg-port", type=int, default=int(os.environ.get("PG_PORT", 54334)))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "burst")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="py-spy records one worker during the 64-connection run; cProfile in one process",
    )
    bench = Bench(parser.parse_args())
    # Every process this starts is stopped on the way out, however it ends.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        bench.run()
    finally:
        bench.stop()


if __name__ == "__main__":
    main()
