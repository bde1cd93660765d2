"""A bounded HTTP/1.1 load generator for loopback benchmarks.

Runs as its own process (so it does not share the server's interpreter), keeps
N keep-alive connections busy for a fixed time, and prints one JSON line:
requests, rate, status counts, errors.

    python -m bench.loadgen http://127.0.0.1:8001/path --seconds 5 --connections 8 -H "Authorization: Bearer …"
"""

import argparse
import asyncio
import json
import time
from collections import Counter
from urllib.parse import urlsplit

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


async def _connection(host, port, request: bytes, deadline: float, counts: Counter, errors: list) -> int:
    """Send requests back to back on one connection, reconnecting when the
    server closes it (as a sync gunicorn worker does after each response)."""
    done = 0
    writer = None
    while time.monotonic() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            status, close = await _read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            errors.append(repr(exc))
            status, close = None, True
        if status is not None:
            counts[status] += 1
            done += 1
        if close and writer is not None:
            writer.close()
            writer = None
    if writer is not None:
        writer.close()
    return done


async def _read_response(reader) -> tuple[int | None, bool]:
    status_line = await reader.readline()
    if not status_line:
        return None, True
    status = int(status_line.split()[1])
    length, close = 0, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value.strip())
        elif name == b"connection" and value.strip().lower() == b"close":
            close = True
    if length:
        await reader.readexactly(length)
    return status, close


async def run(url: str, seconds: float, connections: int, headers: list[str]) -> dict:
    parts = urlsplit(url)
    if parts.hostname not in LOOPBACK:
        raise SystemExit(f"load goes to loopback only, not {parts.hostname}")
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"GET {path} HTTP/1.1", f"Host: {parts.hostname}:{parts.port}", "Connection: keep-alive", *headers, "", ""]
    request = "\r\n".join(lines).encode()
    counts: Counter = Counter()
    errors: list = []
    start = time.monotonic()
    deadline = start + seconds
    totals = await asyncio.gather(
        *[_connection(parts.hostname, parts.port, request, deadline, counts, errors) for _ in range(connections)]
    )
    elapsed = time.monotonic() - start
    return {"requests": sum(totals), "rate": sum(totals) / elapsed, "statuses": dict(counts), "errors": errors[:5]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("-H", "--header", action="append", default=[])
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.url, min(args.seconds, 120), min(args.connections, 256), args.header))))


if __name__ == "__main__":
    main()
