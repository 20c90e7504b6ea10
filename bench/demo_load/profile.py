"""Time `flask demo --members N` on DATABASE_URL against the 30 s goal, and say where the time goes.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 flask --app wsgi db upgrade
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 PYTHONPATH=. python bench/demo_load/profile.py 5000

Wraps the ledger's bulk write and the loader's steps with wall-clock timers; nothing else changes."""

import os
import sys
import time
from collections import Counter

from app import create_app
from app.db import utcnow
from app.demo import county, loader, people
from app.points import operations

GOAL = 30  # seconds for --members 5000 on SQLite (issue 19)
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


for module, names in (
    (operations, ("append_histories", "lock_member")),
    (people, ("add_members", "_households", "_plan", "_insert_ids", "fill")),
    (county, ("build",)),
    (loader, ("hash_password", "check_password")),
):
    for step in names:
        timed(module, step)

members = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
started, cpu = time.perf_counter(), time.process_time()
app = create_app()
with app.app_context():
    loaded = loader.load(members, "demo1234", utcnow())
total, cpu = time.perf_counter() - started, time.process_time() - cpu
print(f"total {total:.1f} s wall, {cpu:.1f} s CPU (app start-up included): {loaded}")
print(
    f"goal: --members {members} within {GOAL} s: {total:.1f} s, {'met' if total <= GOAL else 'not met'}"
    f" (load average {' '.join(open('/proc/loadavg').read().split()[:3])}, {os.cpu_count()} CPUs)"
)
for name, seconds in spent.most_common():
    print(f"{name:18} {seconds:8.2f} s  {calls[name]:6d} calls  {1000 * seconds / calls[name]:8.2f} ms each")
