"""Per-key rate limits, cheap enough for the status hot path.

A fixed window counter in the Django cache: one ``add`` or ``incr`` per
request, where DRF's sliding-window throttle reads and rewrites a list of
timestamps. A client may burst up to twice its rate across a window boundary;
that is the price of one cache operation and it is documented in the README.

Rates are read from ``REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']`` on each
request ('key' for API keys and signed-in users, 'anon' per address for
everyone else, failed keys included), so settings overrides apply at once.
"""

import math
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from verification.models import ApiKey

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
    if cache.add(key, 1, period + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, period + 1)
            count = 1
    if count <= limit:
        return None
    return max(1, math.ceil(period - now % period))


def identity_of(request, key: ApiKey | None, user) -> tuple[str, str]:
    """(identity, rate name) for a request's principal."""
    if key is not None:
        return f"key:{key.pk}", "key"
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}", "key"
    return f"addr:{request.META.get('REMOTE_ADDR', '')}", "anon"


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
