"""Limits that hold across processes: API rate limits and password-guessing lockout.

Rate limits are fixed window counters in the default cache, which every process
shares (config/settings.py: Redis, or a table in the database): one ``incr`` per
request, where DRF's sliding-window throttle reads and rewrites a list of
timestamps and loses counts when two workers do it at once. A client may burst
up to twice its rate across a window boundary; that is the price of one cache
operation and it is documented in the README. Rates are read from
``REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']`` on each request ('key' for API keys
and signed-in users, 'anon' per address for everyone else, failed keys
included), so settings overrides apply at once.

The counters are only shared if the cache's ``incr`` is atomic across
processes: Redis's INCR is; Django's database cache reads and writes back (two
workers read 5 and both write 6), so ``AtomicDatabaseCache`` locks the row.

The caller's address (``client_address``) is the connection's, or behind
``TRUSTED_PROXY_COUNT`` proxies the one the outermost of them saw; the API's
anonymous limit and the login lockout (django-axes) both count by it.
"""

import base64
import ipaddress
import logging
import math
import pickle
import time
from functools import lru_cache

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router, transaction
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone
from rest_framework.throttling import BaseThrottle

from verification.models import ApiKey

logger = logging.getLogger(__name__)

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@lru_cache(maxsize=32)
def parse_rate(rate: str) -> tuple[int, int]:
    """'600/minute' -> (600, 60). Same syntax as DRF's throttle rates."""
    count, _, period = rate.partition("/")
    return int(count), _PERIODS[period.strip()[0].lower()]


def rate_for(name: str) -> tuple[int, int] | None:
    rate = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(name)
    return parse_rate(rate) if rate else None


def hit(identity: str, rate_name: str) -> int | None:
    """Count one request; return None if allowed, else seconds to wait."""
    rate = rate_for(rate_name)
    if rate is None:
        return None
    limit, period = rate
    now = time.time()
    key = f"api-rate:{identity}:{period}:{int(now // period)}"
    try:
        count = _count(key, period + 1)
    except Exception:  # an unreachable cache must not turn every request into an error
        logger.warning("Rate limit not counted: the cache did not answer", exc_info=True)
        return None
    if count <= limit:
        return None
    return max(1, math.ceil(period - now % period))


def _count(key: str, timeout: int) -> int:
    """Add one to a window's counter and return it; the window's first request creates it."""
    try:
        return cache.incr(key)
    except ValueError:  # not there yet (or just expired)
        if cache.add(key, 1, timeout):
            return 1
        return cache.incr(key)  # another process created it in between


def identity_of(request, key: ApiKey | None, user) -> tuple[str, str]:
    """(identity, rate name) for a request's principal."""
    if key is not None:
        return f"key:{key.pk}", "key"
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}", "key"
    return f"addr:{_address_bucket(client_address(request))}", "anon"


def _address_bucket(address: str) -> str:
    # One IPv6 client usually holds a whole /64, so it is counted as one.
    if ":" not in address:
        return address
    try:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    except ValueError:
        return address


def client_address(request) -> str:
    """The caller's IP address.

    Each proxy appends to X-Forwarded-For the address that called it, so behind
    n trusted proxies (``TRUSTED_PROXY_COUNT``, from BEHIND_TLS_PROXY) the n-th
    address from the right is the one the outermost proxy saw; anything further
    left came from the client and may be made up. With no trusted proxy the
    header is ignored: anyone can send it.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    # Fewer entries than proxies: the request skipped the outer ones, and the
    # leftmost entry is still one that a trusted proxy wrote.
    return _ip_of(forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]) or remote


def _ip_of(entry: str) -> str | None:
    """'203.0.113.7', '203.0.113.7:5123', '[2001:db8::1]:443' -> the address; None if it is none."""
    host = entry
    if entry.startswith("["):
        host = entry[1:].partition("]")[0]
    elif entry.count(":") == 1:
        host = entry.partition(":")[0]
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


class ApiRateThrottle(BaseThrottle):
    """DRF throttle class over ``hit``."""

    wait_seconds = None

    def allow_request(self, request, view):
        auth = request.auth if isinstance(request.auth, ApiKey) else None
        identity, rate_name = identity_of(request, auth, request.user)
        self.wait_seconds = hit(identity, rate_name)
        return self.wait_seconds is None

    def wait(self):
        return self.wait_seconds


# --- The shared cache (configured in config/settings.py) ----------------------


class AtomicDatabaseCache(DatabaseCache):
    """Django's database cache with an ``incr`` that holds across processes.

    The stock ``incr`` is a ``get`` then a ``set``. This one reads and writes
    the row in one transaction that holds it: ``FOR UPDATE`` on PostgreSQL; on
    SQLite the write lock is taken when the transaction begins
    (``transaction_mode: IMMEDIATE`` in DATABASES), which serialises writers.
    A counter is not worth a disk flush: on PostgreSQL its commit does not wait
    for one (a crash may lose the last few counts); that made ``hit`` about
    three times faster in our measurement.
    """

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        q = connection.ops.quote_name
        now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0, tzinfo=None))
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute(
                f"SELECT {q('value')} FROM {q(self._table)} WHERE {q('cache_key')} = %s AND {q('expires')} > %s{lock}",
                [key, now],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found.")
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode())) + delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {q(self._table)} SET {q('value')} = %s WHERE {q('cache_key')} = %s", [encoded, key])
        return value


# INCRBY only if the key exists, in one round trip; a plain INCR would create a
# key without expiry when it had just expired.
_INCR_EXISTING = (
    "if redis.call('exists', KEYS[1]) == 1 then return redis.call('incrby', KEYS[1], ARGV[1]) end return false"
)


class PrefixedRedisCache(RedisCache):
    """Django's Redis cache, clearing only its own keys, with a one-trip ``incr``.

    The stock ``clear`` is FLUSHDB: in the broker's Redis database it would
    also delete Celery's queues and bindings. Every key here starts with the
    KEY_PREFIX settings give it, so ``clear`` deletes those and nothing else.
    The stock ``incr`` asks EXISTS, then INCR: two round trips per API request.
    """

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        value = self._cache.get_client(key, write=True).eval(_INCR_EXISTING, 1, key, delta)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value

    def clear(self):
        client = self._cache.get_client(None, write=True)
        prefix = "".join(f"\\{c}" if c in "*?[]\\" else c for c in self.key_prefix)
        batch = []
        for name in client.scan_iter(match=f"{prefix}:*", count=1000):
            batch.append(name)
            if len(batch) == 1000:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)
        return True


# --- Login lockout (django-axes; configured in config/settings.py) ------------


class LockoutBackend(AxesStandaloneBackend):
    """Axes' check before every password login made for a request.

    ``authenticate()`` called from code without a request (the test client's
    ``login``, a shell) has no address to count and nobody guessing behind it,
    so it goes on to the next backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class LoginLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for an address alone.

    Axes counts the failures of each set in AXES_LOCKOUT_PARAMETERS (one
    account from one address; one address, whatever the accounts) and compares
    the largest with one limit, AXES_FAILURE_LIMIT. An office behind one NAT
    mistypes more often than one person, so the address's count is scaled to
    that limit: it locks at LOGIN_ADDRESS_FAILURE_LIMIT failures.
    """

    def get_failures(self, request, credentials=None) -> int:
        account_limit = settings.AXES_FAILURE_LIMIT
        worst = 0
        parameter_sets = settings.AXES_LOCKOUT_PARAMETERS
        for parameters, attempts in zip(parameter_sets, self.get_user_attempts(request, credentials), strict=True):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT if parameters == "ip_address" else account_limit
            # floor(failures x account_limit / limit) reaches account_limit exactly when failures reach limit.
            worst = max(worst, failures * account_limit // limit)
        return worst


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets (429): when to try again and whom to ask."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60)
    context = {
        "username": get_client_username(request, credentials) or "",
        "minutes": minutes,
        "try_again_at": timezone.now() + cool_off,
    }
    return render(request, "registration/lockout.html", context, status=429)
