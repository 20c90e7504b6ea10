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
import time
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


async def _exchange(host: str, port: int, request: bytes) -> tuple[int, dict]:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(request)
        status = int((await reader.readline()).split()[1])
        length = None
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        raw = await (reader.readexactly(length) if length is not None else reader.read())
    finally:
        writer.close()
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
