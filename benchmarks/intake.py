"""Intake under load: N concurrent clients submit M UAE visit evaluations each through the
real service (uvicorn on 127.0.0.1), on SQLite and on PostgreSQL.

Each client keeps one connection and sends its evaluations one after another; every tenth is
sent a second time with the same Idempotency-Key, as a client retrying would. The table gives
submissions/s and the latency percentiles; the baseline is the same clients asking
``GET /api/v1/health`` the same number of times in the same run (the HTTP stack's own cost).
Afterwards the store must hold every submission exactly once: none lost, none duplicated.

    python benchmarks/intake.py [--clients 50] [--per-client 100] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httptools
import httpx
import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@contextlib.contextmanager
def server(url: str) -> Iterator[int]:
    """The service on ``url``'s store in its own process; its port."""
    from tests.postgres import free_port

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", url, str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the service did not start: {process.stderr!r}")
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=60)


def serve(url: str, port: int) -> None:
    """Run the service for the benchmark (limits high: the load is one app's)."""
    import uvicorn

    from shopperkit.service import ServiceSettings, create_app

    settings = ServiceSettings(
        url, "uae", key_limit="10000000/minute", sender_limit="10000000/minute"
    )
    uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_level="warning")


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


class Connection:
    """One keep-alive HTTP/1.1 connection, its answers read by httptools (uvicorn's C
    parser): a client light enough that the load, not the client, is measured."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.status = 0
        self.done = False
        self.parser = httptools.HttpResponseParser(self)

    def on_message_complete(self) -> None:
        self.done = True

    async def request(self, head: bytes, body: bytes = b"") -> int:
        """Send one request (``head`` without its length) and read the whole answer."""
        self.writer.write(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.done = False
        while not self.done:
            chunk = await self.reader.read(65536)
            if not chunk:
                raise ConnectionError("the service closed the connection")
            self.parser.feed_data(chunk)
        return int(self.parser.get_status_code())


async def load(
    port: int, batches: list[list[dict[str, Any]]], key: str, health: bool
) -> tuple[float, list[float], dict[int, int]]:
    """Run every client at once; the wall time, each request's latency, the statuses."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def client(records: list[dict[str, Any]]) -> None:
        connection = Connection(*await asyncio.open_connection("127.0.0.1", port))
        for number, record in enumerate(records):
            if health:
                head, body = b"GET /api/v1/health HTTP/1.1\r\nHost: bench\r\n", b""
            else:
                head = (
                    b"POST /api/v1/evaluations HTTP/1.1\r\nHost: bench\r\n"
                    b"Content-Type: application/json\r\n"
                    + f"Idempotency-Key: {record['id']}\r\nX-API-Key: {key}\r\n".encode()
                )
                body = orjson.dumps(record)
            for _ in range(2 if number % 10 == 0 else 1):
                began = time.perf_counter()
                status = await connection.request(head, body)
                latencies.append(time.perf_counter() - began)
                statuses[status] = statuses.get(status, 0) + 1
        connection.writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(client(records) for records in batches))
    return time.perf_counter() - began, latencies, statuses


def run(url: str, name: str, clients: int, per_client: int) -> None:
    """One store: prepare it, load it, check it, print a row."""
    from shopperkit.registry import Registry
    from shopperkit.store import Database, Store
    from shopperkit_uae.synthetic import generate_evaluations

    Database(url).upgrade()
    store = Store(url)
    key = store.create_key("benchmark", ["app"])
    form = Registry().form("uae-visit")
    records = list(generate_evaluations(form, clients * per_client, seed=7))
    batches = [records[i * per_client : (i + 1) * per_client] for i in range(clients)]
    with server(url) as port:
        health_wall, health_latency, _ = asyncio.run(load(port, batches, key, health=True))
        wall, latency, statuses = asyncio.run(load(port, batches, key, health=False))
    kept = [data["id"] for data, _ in store.submissions("uae", "evaluation")]
    store.close()
    sent = len(latency)
    rate, health_rate = sent / wall, len(health_latency) / health_wall
    lost = len({r["id"] for r in records} - set(kept))
    duplicated = len(kept) - len(set(kept))
    print(
        f"{name:<10} {sent:>7,} sent {rate:>8,.0f}/s  p50 {percentile(latency, 0.5) * 1000:6.1f} ms"
        f"  p99 {percentile(latency, 0.99) * 1000:6.1f} ms  (health {health_rate:,.0f}/s:"
        f" {rate / health_rate:.2f}x)  kept {len(kept):,}  lost {lost}  duplicated {duplicated}"
        f"  statuses {dict(sorted(statuses.items()))}"
    )


def main() -> None:
    """Measure on SQLite, and on PostgreSQL when one is given or can be started."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--per-client", type=int, default=100)
    parser.add_argument("--postgres", help="a PostgreSQL server URL to measure too")
    parser.add_argument("--serve", nargs=2, metavar=("URL", "PORT"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        serve(options.serve[0], int(options.serve[1]))
        return
    from tests.postgres import given_or_started

    print(
        f"{options.clients} clients x {options.per_client} evaluations, on {os.cpu_count()} cores"
    )
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/intake.db", "sqlite", options.clients, options.per_client)
    with given_or_started(options.postgres) as url:
        if url is not None:
            run(url, "postgresql", options.clients, options.per_client)


if __name__ == "__main__":
    main()
