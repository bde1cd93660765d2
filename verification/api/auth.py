"""Who is calling: bearer API keys or a signed-in browser session, and their scopes.

Scopes nest: ``read`` ⊂ ``review`` ⊂ ``admin``.

* A ``read`` key acts as nobody: it sees what an anonymous reader of the
  public pages would, plus every claim's status.
* ``review`` and ``admin`` keys act as their user, with that user's rights:
  the key's scope is capped by the user's role today (a demoted editor's admin
  key loses admin), and transitions still check the user's permissions.
* Session users get scopes from their role: fact-checkers and editors
  read+review, admins read+review+admin. DRF's SessionAuthentication enforces
  CSRF on their writes; key requests are CSRF-exempt.

A missing or bad key answers 401 with ``WWW-Authenticate: Bearer``; a valid
principal without the scope answers 403.
"""

from datetime import timedelta
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import SAFE_METHODS, BasePermission

from sources.roles import ADMINS, EDITORS, FACT_CHECKERS
from verification.api.keys import SCOPE_GRANTS, digest
from verification.api.prepared import PreparedQuery
from verification.models import ApiKey

# last_used_at is for people deciding which keys to revoke: minute precision
# is plenty, and it spares a write on almost every request.
LAST_USED_GRANULARITY = timedelta(minutes=1)
ROLE_SCOPES = {
    ADMINS: frozenset({"read", "review", "admin"}),
    EDITORS: frozenset({"read", "review"}),
    FACT_CHECKERS: frozenset({"read", "review"}),
}
NO_SCOPES = frozenset()


_KEY_COLUMNS = ("id", "prefix", "scope", "user_id", "expires_at", "revoked_at", "last_used_at")


@cache
def _user_fields() -> list[str]:
    return [f.attname for f in get_user_model()._meta.concrete_fields]


# The one query of every key request (the key with its user, if any),
# compiled once: see verification.api.prepared.
_KEY_BY_DIGEST = PreparedQuery(
    lambda digest_: (
        ApiKey.objects.filter(digest=digest_)
        .order_by()
        .values_list(*_KEY_COLUMNS, *(f"user__{name}" for name in _user_fields()))[:1]
    ),
    "0" * 64,
)


def _key_from_row(row) -> ApiKey:
    key = ApiKey(**dict(zip(_KEY_COLUMNS, row[: len(_KEY_COLUMNS)], strict=True)))
    if key.user_id is not None:
        key.user = get_user_model().from_db(connection.alias, _user_fields(), row[len(_KEY_COLUMNS) :])
    return key


def authenticate_key(header: str, now=None) -> ApiKey:
    """The active key named by an ``Authorization`` header value, or AuthenticationFailed.

    One indexed query (the digest, joined to the key's user); at most one
    small UPDATE a minute per key for ``last_used_at``.
    """
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise exceptions.AuthenticationFailed(gettext("Send the key as 'Authorization: Bearer <key>'."))
    row = _KEY_BY_DIGEST.fetch(digest(token))
    if row is None:
        raise exceptions.AuthenticationFailed(gettext("This API key is not valid. Check that you copied all of it."))
    key = _key_from_row(row)
    now = now or timezone.now()
    if key.revoked_at is not None:
        raise exceptions.AuthenticationFailed(
            gettext("API key %(key_prefix)s… was revoked on %(key_revoked_at)s. Ask an admin for a new key.")
            % {"key_prefix": key.prefix, "key_revoked_at": format(key.revoked_at, "%Y-%m-%d")}
        )
    if key.expires_at is not None and key.expires_at <= now:
        raise exceptions.AuthenticationFailed(
            gettext("API key %(key_prefix)s… expired on %(key_expires_at)s. Ask an admin for a new key.")
            % {"key_prefix": key.prefix, "key_expires_at": format(key.expires_at, "%Y-%m-%d")}
        )
    if key.user_id is not None and not key.user.is_active:
        raise exceptions.AuthenticationFailed(
            gettext("The account API key %(key_prefix)s… belongs to is disabled.") % {"key_prefix": key.prefix}
        )
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_GRANULARITY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def role_scopes(user) -> frozenset:
    """Scopes a person's role gives them (cached on the user for the request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPES
    cached = getattr(user, "_claimdesk_scopes", None)
    if cached is None:
        if user.is_superuser:
            cached = ROLE_SCOPES[ADMINS]
        else:
            cached = NO_SCOPES.union(
                *(ROLE_SCOPES.get(name, NO_SCOPES) for name in user.groups.values_list("name", flat=True))
            )
        user._claimdesk_scopes = cached
    return cached


def has_scope(key: ApiKey | None, user, scope: str) -> bool:
    if key is not None:
        if scope not in SCOPE_GRANTS[key.scope]:
            return False
        # Any valid key may read; more needs the key's user to hold the role too.
        return scope == "read" or scope in role_scopes(key.user)
    return scope in role_scopes(user)


def request_key(request) -> ApiKey | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiKey) else None


def scopes_of(request) -> frozenset:
    key = request_key(request)
    return frozenset(s for s in ("read", "review", "admin") if has_scope(key, request.user, s))


def acting_user(request):
    """The user an action is attributed to: None for read keys and anonymous."""
    user = request.user
    return user if user is not None and user.is_authenticated else None


class BearerKeyAuthentication(BaseAuthentication):
    """``Authorization: Bearer <key>``. Without that header, the next
    authenticator (the session) gets its turn."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        key = authenticate_key(header)
        user = key.user if key.scope != ApiKey.Scope.READ and key.user_id else AnonymousUser()
        return user, key

    def authenticate_header(self, request):
        return "Bearer"


class MethodScope(BasePermission):
    """Safe methods need the view's ``read_scope`` (default 'read'), others its
    ``write_scope`` (default 'review'). An unauthenticated request is refused
    here with False, which DRF turns into 401; a known caller without the
    scope gets 403 saying which scope is missing."""

    def has_permission(self, request, view):
        if request.successful_authenticator is None:
            return False
        if request.method in SAFE_METHODS:
            needed = getattr(view, "read_scope", "read")
        else:
            needed = getattr(view, "write_scope", "review")
        key = request_key(request)
        if has_scope(key, request.user, needed):
            return True
        raise exceptions.PermissionDenied(_missing_scope_message(key, request.user, needed))


def _missing_scope_message(key, user, needed: str) -> str:
    if key is not None:
        if needed in SCOPE_GRANTS[key.scope]:
            return gettext(
                "Key %(prefix)s… has the '%(scope)s' scope, but its user no longer has the role for "
                "'%(needed)s'. Ask an admin."
            ) % {"prefix": key.prefix, "scope": key.scope, "needed": needed}
        return gettext(
            "This needs the '%(needed)s' scope; key %(prefix)s… has '%(scope)s'. Ask an admin for a %(needed)s key."
        ) % {"prefix": key.prefix, "scope": key.scope, "needed": needed}
    return gettext("This needs the '%(needed)s' scope, which your role does not give. Ask an admin.") % {
        "needed": needed
    }


def require_perm(request, perm: str, what: str) -> None:
    """Inside a view: the acting user must hold ``perm`` (403 otherwise)."""
    user = acting_user(request)
    if user is None or not user.has_perm(perm):
        raise exceptions.PermissionDenied(
            gettext("You do not have the right to %(what)s. Ask an admin.") % {"what": what}
        )
