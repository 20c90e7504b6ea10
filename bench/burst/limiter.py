"""The rate limiter's CPU per counted request, this tree's beside another's (a worktree of main), in rounds that
take turns, each round a fresh process of each tree:  limiter.py OTHER_ROOT [--rounds N]

A round measures, in one process, on the production limits (config.Config: memory:// unless the environment's
RATELIMIT_STORAGE_URI says otherwise) and a scratch SQLite database:
- the limiter's own hooks (Flask-Limiter's before_request, after_request and teardown) around a bare
  POST /api/v1/checkins request context of a logged-in account, one account each: CPU per request;
- 300 new check-ins, a member each, through the test client, with the limiter's hooks timed in place:
  the check-in's CPU, and the limiter's part of it.
With --profile (one tree, one round), a cProfile of the hooks alone instead: limiter.py --profile ROOT"""

import argparse
import cProfile
import functools
import json
import logging
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

HOOKED = 5000
CHECKINS = 300


def _app(root: str):
    sys.path.insert(0, root)
    from app import create_app
    from config import Config, TestConfig

    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update({k: getattr(Config, k) for k in dir(Config) if k.startswith("RATELIMIT_")})
    config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    return create_app(config)


class _Hooks:
    """The limiter's three hooks as the app registered them, each wrapped to add its CPU time to `spent`."""

    def __init__(self, app):
        limiter = app.extensions["rate_limiter"]
        self.spent = 0
        self.before = self._wrap(app.before_request_funcs[None], lambda f: getattr(f, "__self__", None) is limiter)
        self.after = self._wrap(
            app.after_request_funcs[None], lambda f: isinstance(f, functools.partial) and f.args[0] is limiter
        )
        self.teardown = self._wrap(app.teardown_request_funcs[None], lambda f: getattr(f, "__self__", None) is limiter)

    def _wrap(self, hooks: list, is_limiters):
        (index,) = [i for i, f in enumerate(hooks) if is_limiters(f)]
        hook = hooks[index]

        def timed(*args):
            started = time.process_time_ns()
            try:
                return hook(*args)
            finally:
                self.spent += time.process_time_ns() - started

        hooks[index] = timed
        return timed


def _bare_requests(app, hooks: _Hooks, n: int, first_account: int) -> None:
    from flask import g

    for account in range(first_account, first_account + n):
        with app.test_request_context("/api/v1/checkins", method="POST", json={"token": "x"}):
            g.actor = SimpleNamespace(id=account)
            hooks.before()
            hooks.after(app.response_class("{}", status=201, mimetype="application/json"))
            # the teardown hook runs as the request context ends


def _checkins(root: str, app, hooks: _Hooks) -> tuple[float, float]:
    """(CPU ms per new check-in, limiter's CPU ms of it) over CHECKINS members, one check-in each."""
    sys.path.insert(0, root)
    from app.auth import tokens
    from app.auth.models import Account
    from app.events import codes
    from app.extensions import db
    from tests.factories import Make

    with app.app_context():
        db.create_all()
    make = Make(app)
    community = make.community()
    event = make.event(community)
    members = [make.member(community) for _ in range(CHECKINS)]
    code = codes.printed(app.config["SECRET_KEY"], event.id, 1)
    with app.app_context():
        accounts = db.session.query(Account).filter(Account.member_id.in_([m.id for m in members])).all()
        bearers = [f"Bearer {tokens.issue(a)[0]}" for a in accounts]
        db.session.remove()
    client = app.test_client()
    hooks.spent = 0
    started = time.process_time_ns()
    statuses = {
        client.post("/api/v1/checkins", json={"token": code}, headers={"Authorization": b}).status_code for b in bearers
    }
    spent = time.process_time_ns() - started
    assert statuses == {201}, statuses
    return spent / CHECKINS / 1e6, hooks.spent / CHECKINS / 1e6


def _round(root: str) -> dict:
    app = _app(root)
    hooks = _Hooks(app)
    _bare_requests(app, hooks, 500, 10**6)  # warm-up
    hooks.spent = 0
    _bare_requests(app, hooks, HOOKED, 0)
    bare = hooks.spent / HOOKED / 1e3
    checkin, limiter = _checkins(root, app, hooks)
    return {"bare_us": bare, "checkin_ms": checkin, "limiter_ms": limiter}


def _profile(root: str) -> None:
    app = _app(root)
    hooks = _Hooks(app)
    _bare_requests(app, hooks, 500, 10**6)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    _bare_requests(app, hooks, HOOKED, 0)
    profiler.disable()
    pstats.Stats(profiler).strip_dirs().sort_stats("cumulative").print_stats(40)


def _side_by_side(other: str, rounds: int) -> None:
    here = str(Path(__file__).resolve().parents[2])
    trees = {"other": other, "this": here}
    results: dict[str, list[dict]] = {name: [] for name in trees}
    print(f"uptime before: {os.popen('uptime').read().strip()}")
    for n in range(rounds):
        for name, root in trees.items() if n % 2 == 0 else reversed(trees.items()):
            out = subprocess.run(
                [sys.executable, __file__, "--round", root], capture_output=True, text=True, check=True, cwd=root
            ).stdout
            results[name].append(json.loads(out.splitlines()[-1]))
            print(f"round {n + 1} {name}: {results[name][-1]}", flush=True)
    print(f"uptime after: {os.popen('uptime').read().strip()}")
    print(f"\nmedians of {rounds} rounds   other ({other})   this ({here})   this / other")
    for figure in ("bare_us", "limiter_ms", "checkin_ms"):
        a, b = (statistics.median(r[figure] for r in results[name]) for name in trees)
        print(f"  {figure:12s} {a:10.3f} {b:10.3f}   {b / a:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--round", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if args.round:
        logging.disable(logging.INFO)  # each check-in's line would bury the figures
        print(json.dumps(_round(args.root)))
    elif args.profile:
        _profile(args.root)
    else:
        _side_by_side(args.root, args.rounds)


if __name__ == "__main__":
    main()
