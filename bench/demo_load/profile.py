"""Time `flask demo --members N` on DATABASE_URL and say where the time goes (the ledger's write path, or the loader).

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 flask --app wsgi db upgrade
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 PYTHONPATH=. python bench/demo_load/profile.py 5000

Wraps the ledger's operations and the loader's steps with wall-clock timers; nothing else changes."""

import sys
import time
from collections import Counter

from app import create_app
from app.db import utcnow
from app.demo import loader, people
from app.points import operations

spent, calls = Counter(), Counter()


def timed(module, name):
    inner = getattr(module, name)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - started
            calls[name] += 1

    setattr(module, name, wrapper)


for step in (
    "append_entry",
    "decide",
    "lock",
    "open_period",
    "rulebook",
    "_used",
    "_head",
    "_append",
    "_move_balances",
):
    timed(operations, step)
for step in ("add_members", "_households", "_insert_ids"):
    timed(people, step)

app = create_app()
with app.app_context():
    started = time.perf_counter()
    loaded = loader.load(int(sys.argv[1]) if len(sys.argv) > 1 else 5000, "demo1234", utcnow())
    total = time.perf_counter() - started
print(f"total {total:.1f} s: {loaded}")
for name, seconds in spent.most_common():
    print(f"{name:16} {seconds:8.2f} s  {calls[name]:6d} calls  {1000 * seconds / calls[name]:6.2f} ms each")
