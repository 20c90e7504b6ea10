"""The bench's own HTTP load: an open-loop client at a fixed offered rate, and a closed-loop replay.

No HTTP library: asyncio streams and one hand-written HTTP/1.1 request per connection, which is all
gunicorn's sync workers speak (they close the connection after each answer), and cheap enough on the
client's side that a Python client can offer 400 scans/s on a shared 2-core machine.

Open loop: request i is due at start + i / rate whatever happened to the ones before it (a timer
per request, none waiting for an answer), and its latency is counted from the moment it was due, not
from when it was sent, so a client or a server that falls behind shows as latency and is never hidden
(no coordinated omission). Closed loop: N workers, each sending its next pair when its last answer came."""

import asyncio
import json
import re
import time
import urllib.parse
from dataclasses import dataclass, field

TIMEOUT_S = 30


@dataclass
class Answer:
    status: int  # 0: no answer (refused, reset, timed out)
    latency_s: float
    body: dict = field(default_factory=dict)
    lag_s: float = 0.0  # open loop: how late the client sent it (its own share of the latency)


def checkin_request(host: str, port: int, token: str, bearer: str) -> bytes:
    body = json.dumps({"token": token}).encode()
    head = (
        f"POST /api/v1/checkins HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {bearer}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


def page_request(host: str, port: int, path: str, cookie: str, form: dict | None = None) -> bytes:
    """GET the /c page, or POST its form (`form`), with the member's session cookie, as a phone's browser does."""
    body = urllib.parse.urlencode(form).encode() if form is not None else b""
    head = f"{'POST' if form is not None else 'GET'} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n"
    if form is not None:
        head += f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
    return (head + "Connection: close\r\n\r\n").encode() + body


async def _http(host: str, port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """(status, headers by lower-case name, the last of each, body) of one request on a connection of its own."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(request)
        status = int((await reader.readline()).split()[1])
        headers = {}
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        length = headers.get("content-length")
        raw = await (reader.readexactly(int(length)) if length is not None else reader.read())
    finally:
        writer.close()
    return status, headers, raw


async def _exchange(host: str, port: int, request: bytes) -> tuple[int, dict]:
    status, _, raw = await _http(host, port, request)
    try:
        return status, json.loads(raw) if raw else {}
    except ValueError:
        return status, {}


async def _timed(host: str, port: int, request: bytes, since: float) -> Answer:
    lag = time.perf_counter() - since
    try:
        status, body = await asyncio.wait_for(_exchange(host, port, request), TIMEOUT_S)
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError):
        status, body = 0, {}
    return Answer(status, time.perf_counter() - since, body, lag)


async def _open_loop(host: str, port: int, requests: list[bytes], rate: float) -> tuple[list[Answer], float]:
    start = time.perf_counter() + 0.1

    async def due(i: int, request: bytes) -> Answer:
        at = start + i / rate
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        return await _timed(host, port, request, at)

    answers = await asyncio.gather(*(due(i, r) for i, r in enumerate(requests)))
    return list(answers), time.perf_counter() - start


def open_loop(host: str, port: int, requests: list[bytes], rate: float) -> tuple[list[Answer], float]:
    """Every request sent at its due time; (answers in request order, seconds until the last answer)."""
    return asyncio.run(_open_loop(host, port, requests, rate))


async def _closed_loop(host: str, port: int, requests: list[bytes], workers: int) -> list[Answer]:
    answers: list[Answer | None] = [None] * len(requests)
    queue = iter(range(len(requests)))

    async def worker() -> None:
        for i in queue:
            answers[i] = await _timed(host, port, requests[i], time.perf_counter())

    await asyncio.gather(*(worker() for _ in range(workers)))
    return answers


def closed_loop(host: str, port: int, requests: list[bytes], workers: int) -> list[Answer]:
    return asyncio.run(_closed_loop(host, port, requests, workers))


_FIELD = re.compile(rb'name="(csrf_token|idempotency_key|grace)" value="([^"]*)"')
_RESULT = re.compile(rb'data-checkin-status="([a-z_]+)"')


async def _page_scan(host: str, port: int, path: str, cookie: str) -> Answer:
    """A member's scan through the page: open /c/<token> with their session, then tap its form (its CSRF token, its
    one-scan key), with the session cookie the page may have renewed. `body["result"]` is the answer's
    data-checkin-status (checked_in, already, a refusal's code) or the status of the request that failed."""
    since = time.perf_counter()
    try:
        status, headers, html = await asyncio.wait_for(
            _http(host, port, page_request(host, port, path, cookie)), TIMEOUT_S
        )
        if status != 200:
            return Answer(status, time.perf_counter() - since, {"result": f"GET {status}"})
        renewed = headers.get("set-cookie", "").split(";")[0]
        form = {name.decode(): value.decode() for name, value in _FIELD.findall(html)}
        status, _, html = await asyncio.wait_for(
            _http(host, port, page_request(host, port, path, renewed or cookie, form)), TIMEOUT_S
        )
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError):
        return Answer(0, time.perf_counter() - since, {"result": "no answer"})
    found = _RESULT.search(html)
    return Answer(
        status, time.perf_counter() - since, {"result": found.group(1).decode() if found else f"POST {status}"}
    )


async def _page_loop(
    host: str, port: int, scans: list[tuple[str, str]], phones: int, seconds: float
) -> list[Answer | None]:
    answers: list[Answer | None] = [None] * len(scans)
    queue = iter(enumerate(scans))
    stop = time.perf_counter() + seconds

    async def phone() -> None:
        for i, (path, cookie) in queue:
            if time.perf_counter() >= stop:
                return
            answers[i] = await _page_scan(host, port, path, cookie)

    await asyncio.gather(*(phone() for _ in range(phones)))
    return answers


def page_loop(host: str, port: int, scans: list[tuple[str, str]], phones: int, seconds: float) -> list[Answer | None]:
    """Closed loop: `phones` members scanning at once, each its next scan when its last answer came, for `seconds`
    (or until the scans run out); the answers in the scans' order, None for a scan never sent."""
    return asyncio.run(_page_loop(host, port, scans, phones, seconds))
