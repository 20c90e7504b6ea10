"""Where a worker's time went: py-spy's raw (collapsed) stacks summed by library, by function and by app step.

  spy_summary.py pyspy.txt [--top N]
Each line of the input is one distinct stack, frames outermost first and `;`-separated, then its sample
count. Samples are of a busy worker (py-spy drops idle ones unless --idle): on the CPU or waiting for it."""

import argparse
import re
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^():]+?)(?::(?P<line>\d+))?\)$")

# The library a frame's file belongs to, by the first folder of its path that names one; else "python".
LIBRARIES = (
    "sqlalchemy",
    "psycopg",
    "marshmallow",
    "webargs",
    "flask_smorest",
    "apispec",
    "flask_sqlalchemy",
    "flask_limiter",
    "limits",
    "flask",
    "werkzeug",
    "gunicorn",
    "itsdangerous",
    "jinja2",
    "logging",
    "json",
    "ledger",
    "app",
    "http",
    "email",
    "urllib",
)

# Steps of the check-in request: (title, functions that open it, functions inside it counted elsewhere).
# A sample counts in a step when its stack holds an opener and none of the exclusions.
STEPS = (
    ("gunicorn: accept, read, write (outside Flask)", ("SyncWorker.handle_request",), ("Flask.wsgi_app",)),
    ("Flask, webargs, smorest: outside the view's own code", ("Flask.wsgi_app",), ("Checkins.post",)),
    ("the view, outside check_in (commit, response)", ("Checkins.post",), ("check_in", "member_actor")),
    ("bearer token: decode it, load the account", ("member_actor",), ()),
    ("check_in before _record (member, code, event, repeat)", ("check_in",), ("_record",)),
    ("_record: gate, row lock, check-in insert", ("_record",), ("append_entry",)),
    (
        "append_entry: rules, settings, closed months",
        ("append_entry",),
        ("_used", "_head", "entry_record", "_append", "_new_status", "_move_balances"),
    ),
    ("append_entry: caps read, head read, hash", ("_used", "_head", "entry_record"), ()),
    ("append_entry: record, status, balance writes", ("_append", "_new_status", "_move_balances"), ()),
)
# Within every step, the innermost frame's library says what the time was spent on.


def parse(path: Path) -> list[tuple[list[tuple[str, str]], int]]:
    stacks = []
    for line in path.read_text().splitlines():
        frames, _, count = line.rpartition(" ")
        if not frames:
            continue
        parsed = []
        for frame in frames.split(";"):
            match = FRAME.match(frame)
            parsed.append((match["function"], match["file"]) if match else (frame, ""))
        stacks.append((parsed, int(count)))
    return stacks


def library(file: str) -> str:
    parts = file.replace("\\", "/").split("/")
    for part in parts[:-1]:
        if part in LIBRARIES:
            return part
    stem = parts[-1].removesuffix(".py")
    return stem if stem in ("logging", "json") else "python: " + parts[0] if len(parts) > 1 else "python"


def summarise(stacks, top: int) -> str:
    total = sum(count for _, count in stacks)
    request = [(frames, count) for frames, count in stacks if any(f == "SyncWorker.handle_request" for f, _ in frames)]
    in_request = sum(count for _, count in request)
    own = Counter()
    inclusive = Counter()
    libraries = Counter()
    steps = Counter()
    by_step = {title: Counter() for title, _, _ in STEPS}
    for frames, count in request:
        function, file = frames[-1]
        own[f"{function} ({file})"] += count
        libraries[library(file)] += count
        for name in {f"{f} ({file})" for f, file in frames}:
            inclusive[name] += count
        names = {f for f, _ in frames}
        for title, openers, inside in STEPS:
            if names & set(openers) and not names & set(inside):
                steps[title] += count
                lib = library(file)
                by_step[title][lib if lib in ("psycopg", "sqlalchemy") else "other"] += count
    pct = lambda n: 100 * n / max(in_request, 1)  # noqa: E731
    out = [
        f"{total} samples of a busy worker, {in_request} inside a request ({100 * in_request / max(total, 1):.0f}%)",
        "",
        "Steps of the request (each sample in one step; % of samples inside a request), and of each step's",
        "samples the share whose innermost frame was in psycopg (sending, waiting on the socket or for the CPU",
        "after it), in SQLAlchemy, or elsewhere:",
    ]
    for title, _, _ in STEPS:
        mix = by_step[title]
        n = max(sum(mix.values()), 1)
        out.append(
            f"  {pct(steps[title]):5.1f}%  {title:<52} psycopg {100 * mix['psycopg'] / n:3.0f}%  "
            f"sqlalchemy {100 * mix['sqlalchemy'] / n:3.0f}%  other {100 * mix['other'] / n:3.0f}%"
        )
    out += ["", "Where the CPU was when sampled, by library (the innermost frame's):"]
    out += [f"  {pct(n):5.1f}%  {name}" for name, n in libraries.most_common(top)]
    out += ["", f"Top {top} functions by own time:"]
    out += [f"  {pct(n):5.1f}%  {name}" for name, n in own.most_common(top)]
    out += ["", f"Top {top} functions by inclusive time:"]
    out += [f"  {pct(n):5.1f}%  {name}" for name, n in inclusive.most_common(top)]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("raw", type=Path)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    print(summarise(parse(args.raw), args.top))


if __name__ == "__main__":
    main()
