"""API rate limits hold across gunicorn's worker processes.

gunicorn serves the test database with four workers and a limit of 60
requests a minute; threads send 150 requests over keep-alive connections,
alternating the lean status path and a DRF view. About 60 are served and the
rest answered 429 with Retry-After, because every worker counts in the cache
they all share (the broker's Redis, or without one a table in the
database). The access log names the worker of each answer, so the test also
shows the load was spread: counted per process, as before, each worker would
have served up to 60 of its own.

Anonymous callers are counted per address: behind a trusted proxy
(BEHIND_TLS_PROXY=1) two clients with different X-Forwarded-For get a bucket
each; without one the header is ignored, so made-up addresses share the
connection's bucket.
"""

import http.client
import json
import os
import runpy
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from tests.reliability.figures import record
from tests.reliability.services import free_port, wait_until
from tests.worker import ROOT, worker_env
from verification.api.keys import create_key
from verification.api.throttling import client_address, identity_of

RATE = 60  # a minute, for API keys and for each anonymous address
REQUESTS = 150
THREADS = 6
WORKERS = 4
TOLERANCE = 0.10


@dataclass
class Burst:
    statuses: Counter = field(default_factory=Counter)
    served_by_client: Counter = field(default_factory=Counter)
    refusals: list = field(default_factory=list)  # (Retry-After, content type, body) of each 429
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def served(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != 429)


class Server:
    def __init__(self, tmp_path, proxies: int):
        self.port = free_port()
        self.access_log = tmp_path / f"access-{proxies}.log"
        self.error_log = tmp_path / f"gunicorn-{proxies}.log"
        env = worker_env(
            {
                "CLAIMDESK_API_RATE": f"{RATE}/minute",
                "CLAIMDESK_API_ANON_RATE": f"{RATE}/minute",
                "BEHIND_TLS_PROXY": str(proxies),
            }
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(WORKERS),
                "--worker-class",
                "gthread",
                "--threads",
                "2",
                "--keep-alive",
                "5",
                "--timeout",
                "60",
                "--graceful-timeout",
                "3",
                "--access-logfile",
                str(self.access_log),
                "--access-logformat",
                "%(p)s %(s)s %(U)s",
                "--error-logfile",
                str(self.error_log),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until(self._ready, 60, lambda: f"gunicorn to answer with {WORKERS} workers:\n{self._log_tail()}")

    def _log_tail(self) -> str:
        try:
            return self.error_log.read_text(errors="replace")[-3000:]
        except OSError:
            return "(no log)"

    def _ready(self) -> bool:
        assert self.process.poll() is None, f"gunicorn exited:\n{self._log_tail()}"
        try:
            booted = self.error_log.read_text(errors="replace").count("Booting worker")
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            connection.close()
        except OSError:
            return False
        return booted >= WORKERS

    def workers_by_answers(self) -> Counter:
        """Requests answered per worker process (pid), from the access log; /healthz excluded."""
        lines = self.access_log.read_text().splitlines()
        return Counter(line.split()[0] for line in lines if "/api/" in line)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@contextmanager
def serving(tmp_path, proxies: int):
    server = Server(tmp_path, proxies)
    try:
        yield server
    finally:
        server.stop()


def fresh_window(needed: float = 15.0) -> None:
    """Counters are fixed one-minute windows: start a burst with time to finish in one."""
    left = 60 - time.time() % 60
    if left < needed:
        time.sleep(left + 0.2)


def burst(server: Server, paths: list[str], clients: list[dict], source: str = "127.0.0.1") -> Burst:
    """REQUESTS requests from THREADS threads, each on a keep-alive connection it
    reopens every ten requests (so the load reaches every worker); thread i
    speaks for clients[i % len(clients)] (extra headers), alternating ``paths``."""
    result = Burst()

    def connect():
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30, source_address=(source, 0))
        connection.connect()
        return connection

    def send(connection, path, headers):
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response, response.read()

    def run(index: int) -> None:
        headers = clients[index % len(clients)]
        connection = None
        for n in range(REQUESTS // THREADS):
            if n % 10 == 0:
                if connection is not None:
                    connection.close()
                connection = connect()
            path = paths[n % len(paths)]
            try:
                response, body = send(connection, path, headers)
            except (http.client.RemoteDisconnected, ConnectionError):  # the server closed an idle connection
                connection.close()
                connection = connect()
                response, body = send(connection, path, headers)
            with result.lock:
                result.statuses[response.status] += 1
                if response.status == 429:
                    result.refusals.append(
                        (response.getheader("Retry-After"), response.getheader("Content-Type"), body)
                    )
                else:
                    result.served_by_client[json.dumps(headers, sort_keys=True)] += 1
        connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(result.statuses.values()) == REQUESTS // THREADS * THREADS, result.statuses
    return result


def assert_near_the_limit(served: int, limit: int = RATE) -> None:
    assert abs(served - limit) <= TOLERANCE * limit, f"{served} served against a limit of {limit}"


def assert_refused_as_problems(result: Burst) -> None:
    assert result.refusals, "nothing was refused"
    for retry_after, content_type, body in result.refusals:
        assert content_type == "application/problem+json"
        problem = json.loads(body)
        assert problem["status"] == 429 and 1 <= int(retry_after) <= 60 and problem["retry_after"] == int(retry_after)


def assert_spread_over_workers(server: Server) -> list[int]:
    """Per-process counting would have let more than the tolerance through:
    the workers other than the busiest answered more than that. Returns the
    answers per worker, busiest first."""
    answers = server.workers_by_answers()
    busiest = max(answers.values())
    assert len(answers) >= 2 and sum(answers.values()) - busiest > TOLERANCE * RATE, answers
    return sorted(answers.values(), reverse=True)


@pytest.fixture
def shared_cache():
    """The cache gunicorn counts in, emptied: key ids and addresses repeat between runs."""
    backend = settings.CACHES["default"]["BACKEND"].rpartition(".")[2]
    assert backend in ("AtomicDatabaseCache", "PrefixedRedisCache")
    with_redis = os.environ.get("CACHE_URL") or settings.CELERY_BROKER_URL.startswith("redis")
    assert backend == ("PrefixedRedisCache" if with_redis else "AtomicDatabaseCache")
    cache.clear()
    return backend


@pytest.mark.django_db(transaction=True)
def test_it_holds_an_api_keys_limit_across_workers(tmp_path, shared_cache, make_claim):
    claim = make_claim()
    _, raw_key = create_key("rate limit test", "read")
    with serving(tmp_path, proxies=0) as server:
        fresh_window()
        result = burst(
            server,
            [f"/api/v1/claims/{claim.pk}/status", "/api/v1/claims"],
            [{"Authorization": f"Bearer {raw_key}"}],
        )
        per_worker = assert_spread_over_workers(server)
    record(
        "rate_limit_key",
        cache=shared_cache,
        limit=RATE,
        requests=REQUESTS,
        served=result.served,
        answers_per_worker=per_worker,
    )
    assert set(result.statuses) == {200, 429}, result.statuses
    assert_near_the_limit(result.served)
    assert_refused_as_problems(result)


@pytest.mark.django_db(transaction=True)
def test_it_holds_the_anonymous_limit_across_workers(tmp_path, shared_cache, make_claim):
    claim = make_claim()
    with serving(tmp_path, proxies=0) as server:
        fresh_window()
        result = burst(server, [f"/api/v1/claims/{claim.pk}/status", "/api/v1/claims"], [{}], source="127.0.0.2")
        per_worker = assert_spread_over_workers(server)
    record(
        "rate_limit_anonymous",
        cache=shared_cache,
        limit=RATE,
        requests=REQUESTS,
        served=result.served,
        answers_per_worker=per_worker,
    )
    assert set(result.statuses) == {401, 429}, result.statuses
    assert_near_the_limit(result.served)
    assert_refused_as_problems(result)


@pytest.mark.django_db(transaction=True)
def test_it_gives_each_client_behind_a_trusted_proxy_its_own_bucket(tmp_path, shared_cache, make_claim):
    claim = make_claim()
    clients = [{"X-Forwarded-For": "203.0.113.7"}, {"X-Forwarded-For": "198.51.100.20, 203.0.113.8"}]
    with serving(tmp_path, proxies=1) as server:
        fresh_window()
        result = burst(server, [f"/api/v1/claims/{claim.pk}/status"], clients, source="127.0.0.3")
    record(
        "rate_limit_behind_proxy", limit_each=RATE, requests=REQUESTS, served=sorted(result.served_by_client.values())
    )
    assert set(result.served_by_client) == {json.dumps(c) for c in clients}
    for served in result.served_by_client.values():  # each its own, not one for the proxy's address
        assert_near_the_limit(served)
    assert_refused_as_problems(result)


@pytest.mark.django_db(transaction=True)
def test_it_ignores_x_forwarded_for_without_a_trusted_proxy(tmp_path, shared_cache, make_claim):
    claim = make_claim()
    clients = [{"X-Forwarded-For": "203.0.113.7"}, {"X-Forwarded-For": "203.0.113.8"}, {"X-Forwarded-For": "junk"}]
    with serving(tmp_path, proxies=0) as server:
        fresh_window()
        result = burst(server, [f"/api/v1/claims/{claim.pk}/status"], clients, source="127.0.0.4")
    record("rate_limit_untrusted_forwarded_for", limit=RATE, requests=REQUESTS, served=result.served)
    assert_near_the_limit(result.served)  # one bucket, the connection's, for all three
    assert_refused_as_problems(result)


# --- Which address counts (no server needed) ----------------------------------


@pytest.mark.parametrize("raw, proxies", [("", 0), ("0", 0), ("1", 1), ("2", 2), ("true", 1), ("no", 0)])
def test_it_reads_behind_tls_proxy_as_a_count_or_the_old_boolean(monkeypatch, raw, proxies):
    monkeypatch.setenv("BEHIND_TLS_PROXY", raw)
    assert runpy.run_path(str(ROOT / "config" / "settings.py"))["TRUSTED_PROXY_COUNT"] == proxies


def test_it_refuses_a_behind_tls_proxy_that_is_not_a_count(monkeypatch):
    monkeypatch.setenv("BEHIND_TLS_PROXY", "-1")
    with pytest.raises(ImproperlyConfigured, match="BEHIND_TLS_PROXY"):
        runpy.run_path(str(ROOT / "config" / "settings.py"))


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "203.0.113.7", "192.0.2.1"),  # no trusted proxy: anyone can send the header
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # what the client wrote itself is further left
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "203.0.113.7"),  # came in through the inner proxy only
        (1, "203.0.113.7:5123", "203.0.113.7"),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
        (1, "not-an-address", "192.0.2.1"),
        (1, "", "192.0.2.1"),
    ],
)
def test_it_takes_the_address_the_outermost_trusted_proxy_saw(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_it_counts_an_ipv6_client_by_its_64_network(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    one, other, elsewhere = (
        RequestFactory().get("/", REMOTE_ADDR=a) for a in ("2001:db8::1", "2001:db8::ff:2", "2001:db8:0:1::1")
    )
    assert identity_of(one, None, None) == identity_of(other, None, None) == ("addr:2001:db8::/64", "anon")
    assert identity_of(elsewhere, None, None) == ("addr:2001:db8:0:1::/64", "anon")
