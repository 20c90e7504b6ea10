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
LIBRARIES = ("sqlalchemy", "psycopg", "marshmallow", "webargs", "flask_smorest", "apispec", "flask_sqlalchemy",
             "flask_limiter", "limits", "flask", "werkzeug", "gunicorn", "itsdangerous", "jinja2", "logging", "json",
             "ledger", "app", "http", "email", "urllib")

# Steps of the check-in request, by the function that opens them: time inside each, counted once per sample.
STEPS = (
    ("gunicorn: accept, parse, write", "SyncWorker.handle_request"),
    ("Flask request: dispatch and teardown", "Flask.wsgi_app"),
    ("webargs/marshmallow: parse the body and headers", "ArgumentsMixin.arguments.<locals>.decorator.<locals>.wrapper"),
    ("the view (Checkins.post)", "Checkins.post"),
    ("bearer token: decode and account (member_actor)", "member_actor"),
    ("operations.check_in", "check_in"),
    ("  tokens.read (the printed code's HMAC)", "read"),
    ("  _replayed / _existing (pre-checks)", "_existing"),
    ("  _record", "_record"),
    ("    lock_member (gate + row lock)", "lock_member"),
    ("    append_entry", "append_entry"),
    ("      rulebook + county settings", "rulebook"),
    ("      open_period (closed months)", "open_period"),
    ("      _used (caps query)", "_used"),
    ("      _head (chain head)", "_head"),
    ("      chain.entry_record (hash)", "entry_record"),
    ("      _append / _new_status / _move_balances", ("_append", "_new_status", "_move_balances")),
    ("transaction commit", "Session.commit"),
    ("response: marshmallow dump + jsonify", "ResponseMixin._prepare_response_content"),
    ("logging (log.info per check-in)", "Logger.info"),
    ("session remove / pool return", "scoped_session.remove"),
)


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
    for frames, count in request:
        function, file = frames[-1]
        own[f"{function} ({file})"] += count
        libraries[library(file)] += count
        for name in {f"{f} ({file})" for f, file in frames}:
            inclusive[name] += count
        names = {f for f, _ in frames}
        for title, opener in STEPS:
            openers = opener if isinstance(opener, tuple) else (opener,)
            if names & set(openers):
                steps[title] += count
    pct = lambda n: 100 * n / max(in_request, 1)  # noqa: E731
    out = [f"{total} samples of a busy worker, {in_request} inside a request ({pct(in_request) if total else 0:.0f}%)",
           "", "Steps of the request (inclusive, % of samples inside a request):"]
    out += [f"  {pct(steps[title]):5.1f}%  {title}" for title, _ in STEPS]
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
