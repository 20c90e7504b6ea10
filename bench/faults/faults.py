"""The faults bench in one command (bench/faults/run): the return-day burst on a durable PostgreSQL, with a
gunicorn worker killed (kill -9) mid-burst, then PostgreSQL restarted fast and restarted immediate (a crash)
mid-burst; then every acknowledged check-in must be there, none doubled, the replay must add exactly the
missing ones, `ledger verify` must pass and the service must have answered again within 10 s. Exits 1 if any
of that fails. --pgbouncer runs the app through PgBouncer in transaction pooling. See README.md."""

import argparse
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from bench.burst.burst import HOST, Bench, log  # noqa: E402
from bench.faults import pgbouncer  # noqa: E402

FAULTS = ("kill_worker", "restart_fast", "restart_immediate")
RECOVERY_GOAL_S = 10.0


class Probe(threading.Thread):
    """GET /healthz every 100 ms for the length of a phase: when the service stopped and started answering."""

    def __init__(self, port: int):
        super().__init__(daemon=True)
        self.port, self.seen, self.done = port, [], threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            asked = time.monotonic()
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/healthz")
                status = conn.getresponse().status
                conn.close()
            except OSError:
                status = 0
            self.seen.append((asked, status))
            self.done.wait(max(0.0, 0.1 - (time.monotonic() - asked)))

    def recovery_s(self, fault_at: float) -> float | None:
        """Seconds from the fault until /healthz answered 200 again (None: never within the phase)."""
        return next((round(t - fault_at, 2) for t, s in self.seen if t >= fault_at and s == 200), None)

    def down_s(self, fault_at: float) -> float:
        after = [(t, s) for t, s in self.seen if t >= fault_at]
        failing = [t for t, s in after if s != 200]
        return round(max(failing) - fault_at, 2) if failing else 0.0


class FaultBench(Bench):
    def __init__(self, args):
        super().__init__(args)
        # Durable: fsync and synchronous_commit on, so an immediate restart (a crash) loses nothing acknowledged.
        self.pg_env["PG_DURABLE"] = "1"
        self.bouncer_dir = Path(args.pg_dir + "-pgbouncer")

    def pools(self) -> dict[str, int]:
        per_phase = -(-int(self.args.max_rate * self.args.seconds) // self.args.members)
        return {"warmup": 1, **{fault: per_phase for fault in FAULTS}}

    def capacity(self, bearers: dict) -> float:
        """Check-ins per second the service does now (a closed loop of 16 on the warm-up's pairs): the phases
        offer half of it, so that a backlog of the machine's own making does not hide the recovery."""
        pairs = self.pairs("warmup")[: self.args.warmup]
        started = time.monotonic()
        answers = self.replay(pairs, bearers)
        rate = sum(1 for *_, status, _ in answers if status == 201) / (time.monotonic() - started)
        log(f"warm-up: {rate:.1f} new check-ins/s at 16 connections")
        return rate

    def start_postgres(self) -> None:
        super().start_postgres()
        self.direct_url = self.url
        if self.args.pgbouncer:
            self.url = pgbouncer.start(self.bouncer_dir, self.args.pgbouncer_port, self.args.pg_port, "burst")
            log(f"PgBouncer {self.args.pgbouncer_port}, transaction pooling, in front of PostgreSQL")
            # The migrations and the loader talk to the server directly; only the service goes through the pooler.
            self.service_env = {
                **self.env,
                "DATABASE_URL": self.url,
                "DATABASE_NO_PREPARE": "1",
                "SCHEDULER_DATABASE_URL": self.direct_url,
            }
        else:
            self.service_env = self.env

    def start_server(self) -> None:
        env, self.env = self.env, self.service_env
        try:
            super().start_server()
        finally:
            self.env = env

    def stop(self) -> None:
        super().stop()
        pgbouncer.stop(self.bouncer_dir)

    def fault(self, name: str) -> None:
        if name == "kill_worker":
            victim = self.worker_pids()[0]
            log(f"kill -9 of gunicorn worker {victim}")
            os.kill(victim, 9)
        else:
            mode = name.removeprefix("restart_")
            log(f"PostgreSQL restart, {mode}")
            subprocess.run(
                [str(ROOT / "scripts" / "postgres"), "restart", mode], env=self.pg_env, check=True, capture_output=True
            )

    def phase(self, name: str, bearers: dict) -> dict:
        pairs = self.pairs(name)[: int(self.rate * self.args.seconds)]
        probe = Probe(self.args.port)
        probe.start()
        at: dict[str, float] = {}

        def strike() -> None:
            at["fault"] = time.monotonic()
            self.fault(name)
            at["done"] = time.monotonic()

        timer = threading.Timer(self.args.fault_after, strike)
        log(f"{name}: {len(pairs)} check-ins offered at {self.rate:.1f}/s, the fault after {self.args.fault_after} s")
        timer.start()
        result = self.open_loop(pairs, bearers)
        timer.join()
        self.drain()
        probe.done.set()
        probe.join()
        result["fault_took_s"] = round(at["done"] - at["fault"], 2)
        result["healthz_down_s"] = probe.down_s(at["fault"])
        result["recovered_after_s"] = probe.recovery_s(at["done"])
        return result

    def missing(self, sent: list) -> int:
        """Pairs sent that have no check-in row: what the replay must add, no more, no fewer."""
        token_event = {token: event for pool in self.events.values() for event, token in pool}
        with psycopg.connect(f"{self.dsn}/burst") as conn:
            there = set(conn.execute("SELECT member_id, event_id FROM checkins").fetchall())
        return sum(1 for m, token in set(sent) if (m, token_event[token]) not in there)

    def run(self) -> None:
        self.start_postgres()
        self.load()
        self.start_server()
        bearers = self.bearers()
        measured = self.capacity(bearers)
        self.rate = self.args.rate or min(self.args.max_rate, max(2.0, measured / 2))
        # bench/burst's open loop reads its rate from the arguments.
        self.args.rate = self.rate
        self.results["capacity_per_s"], self.results["offered_per_s"] = round(measured, 1), round(self.rate, 1)
        phases = {name: self.phase(name, bearers) for name in FAULTS}
        sent = [p for phase in phases.values() for p in phase["sent_pairs"]]
        missing = self.missing(sent)
        log(f"replaying the {len(sent)} pairs sent ({missing} never written)")
        replayed = self.replay(sent, bearers)
        self.server.terminate()
        self.server.wait(timeout=30)
        checks = self.integrity(phases, replayed)
        checks["missing_before_replay"] = missing
        verify = self.flask("ledger", "verify")
        checks["ledger_verify"] = verify.returncode == 0
        checks["ledger_verify_output"] = (verify.stdout or verify.stderr).strip().splitlines()[-1:]
        self.results.update(
            pgbouncer=self.args.pgbouncer,
            phases={
                k: {x: y for x, y in v.items() if x not in ("acks", "sent_pairs", "cpu")} for k, v in phases.items()
            },
            integrity=checks,
        )
        (self.out / "summary.json").write_text(json.dumps(self.results, indent=2, ensure_ascii=False, default=str))
        self.report()

    def report(self) -> None:
        r, checks = self.results, self.results["integrity"]
        failures = []
        print(
            f"\nfaults bench{' through PgBouncer (transaction pooling)' if r['pgbouncer'] else ''}, durable PostgreSQL"
        )
        print(
            f"capacity {r['capacity_per_s']} check-ins/s (warm-up, 16 connections); each phase offered {r['offered_per_s']}/s"
        )
        print(f"{'phase':<18} {'sent':>5} {'2xx':>5} {'503':>5} {'500':>5} {'none':>5}  down s  back after s")
        for name, phase in r["phases"].items():
            statuses = Counter({int(k): v for k, v in phase["statuses"].items()})
            ok = statuses[200] + statuses[201]
            back = phase["recovered_after_s"]
            print(
                f"{name:<18} {phase['sent']:>5} {ok:>5} {statuses[503]:>5} {statuses[500]:>5} {statuses[0]:>5}"
                f"  {phase['healthz_down_s']:>6}  {back if back is not None else 'never':>12}"
            )
            if statuses[500]:
                failures.append(f"{name}: {statuses[500]} answers 500")
            if back is None or back > RECOVERY_GOAL_S:
                failures.append(f"{name}: the service did not answer again within {RECOVERY_GOAL_S:g} s")
        print(
            f"acknowledged {checks['acked']}, lost {checks['lost']}, doubled {checks['doubled']}, "
            f"without an entry {checks['checkins_without_entry']}; replay added {checks['replay_added']} "
            f"of {checks['missing_before_replay']} missing; ledger verify {'OK' if checks['ledger_verify'] else 'FAILED'}"
        )
        if checks["lost"] or checks["doubled"] or checks["checkins_without_entry"]:
            failures.append("a check-in lost, doubled or without its entry")
        if checks["replay_added"] != checks["missing_before_replay"] or checks["replay_other_checkin"]:
            failures.append("the replay did not add exactly the missing check-ins")
        if not checks["ledger_verify"]:
            failures.append(f"ledger verify: {checks['ledger_verify_output']}")
        print("FAILED: " + "; ".join(failures) if failures else "PASSED", flush=True)
        self.failed = bool(failures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=400)
    parser.add_argument("--rate", type=float, help="check-ins/s offered in each phase (default: half the warm-up's)")
    parser.add_argument("--max-rate", type=float, default=80, help="sizes the phases' pools of pairs")
    parser.add_argument("--warmup", type=int, default=200, help="check-ins of the warm-up, which measures capacity")
    parser.add_argument("--seconds", type=float, default=8, help="each phase's offering")
    parser.add_argument("--fault-after", type=float, default=3, help="seconds into a phase")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--pgbouncer", action="store_true", help="the service through PgBouncer (transaction pooling)")
    parser.add_argument("--pgbouncer-port", type=int, default=int(os.environ.get("PGBOUNCER_PORT", 6433)))
    parser.add_argument("--port", type=int, default=int(os.environ.get("FAULTS_PORT", 8711)))
    parser.add_argument("--pg-dir", default=os.environ.get("PG_DIR", "/tmp/pg-faults"))
    parser.add_argument("--pg-port", type=int, default=int(os.environ.get("PG_PORT", 54338)))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "faults")
    args = parser.parse_args()
    # What bench/burst's Bench reads and this bench does not vary.
    args.profile, args.events = False, 0
    args.members = max(args.members, args.warmup)
    bench = FaultBench(args)
    bench.failed = True
    try:
        bench.run()
    finally:
        bench.stop()
    sys.exit(1 if bench.failed else 0)


if __name__ == "__main__":
    main()
