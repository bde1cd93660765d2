"""API keys: making, finding and revoking them.

A key is ``cd_`` followed by 43 random URL-safe characters (256 bits). Only
its SHA-256 digest is stored: a key that long cannot be guessed, so a slow
password hash would add latency to every request and no safety. The first
eleven characters are kept as the ``prefix`` that people see in lists and use
to revoke a key.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from verification.models import ApiKey

KEY_PREFIX = "cd_"
PREFIX_LENGTH = len(KEY_PREFIX) + 8
# Scopes include the ones below them: an admin key can also read and review.
SCOPE_GRANTS = {
    ApiKey.Scope.READ: frozenset({"read"}),
    ApiKey.Scope.REVIEW: frozenset({"read", "review"}),
    ApiKey.Scope.ADMIN: frozenset({"read", "review", "admin"}),
}


class ApiKeyError(ValueError):
    """A key could not be made or found; the message says what to do."""


def digest(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8", "surrogatepass")).hexdigest()


def create_key(name: str, scope: str, user=None, expires_days: int | None = None) -> tuple[ApiKey, str]:
    """Store a new key and return it with the raw key, which is never stored
    and cannot be shown again."""
    if scope not in ApiKey.Scope.values:
        raise ApiKeyError(
            gettext("Unknown scope '%(scope)s'; use one of %(apikey_scope_values)s.")
            % {"scope": scope, "apikey_scope_values": ", ".join(ApiKey.Scope.values)}
        )
    if scope != ApiKey.Scope.READ and user is None:
        raise ApiKeyError(gettext("A %(scope)s key acts as a person: give the user it belongs to.") % {"scope": scope})
    if expires_days is not None and expires_days < 1:
        raise ApiKeyError(gettext("A key must be valid for at least one day."))
    expires_at = timezone.now() + timedelta(days=expires_days) if expires_days else None
    for _attempt in range(5):
        raw = KEY_PREFIX + secrets.token_urlsafe(32)
        try:
            with transaction.atomic():
                key = ApiKey.objects.create(
                    name=name,
                    prefix=raw[:PREFIX_LENGTH],
                    digest=digest(raw),
                    scope=scope,
                    user=user,
                    expires_at=expires_at,
                )
            return key, raw
        except IntegrityError:  # a prefix collision (1 in 2^48); draw again
            continue
    raise ApiKeyError(gettext("Could not draw a unique key prefix; try again."))


def find_by_prefix(prefix: str) -> ApiKey:
    prefix = prefix.strip().rstrip("…").rstrip(".")
    if len(prefix) > PREFIX_LENGTH and prefix.startswith(KEY_PREFIX):
        # A whole key was pasted: find it by digest rather than echo it anywhere.
        key = ApiKey.objects.filter(digest=digest(prefix)).first()
    else:
        key = ApiKey.objects.filter(prefix=prefix).first()
    if key is None:
        raise ApiKeyError(
            gettext("No API key has the prefix '%(prefix)s'. `manage.py apikey list` shows them.") % {"prefix": prefix}
        )
    return key


def revoke_key(prefix: str, now=None) -> ApiKey:
    """Revoke the key with this prefix (idempotent: a revoked key keeps its
    first revocation time). The admin calls this too."""
    key = find_by_prefix(prefix)
    if key.revoked_at is None:
        key.revoked_at = now or timezone.now()
        ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=key.revoked_at)
    return key


def key_state(key: ApiKey, now=None) -> str:
    """'active', 'expired' or 'revoked', for lists and error messages."""
    now = now or timezone.now()
    if key.revoked_at is not None:
        return "revoked"
    if key.expires_at is not None and key.expires_at <= now:
        return "expired"
    return "active"
