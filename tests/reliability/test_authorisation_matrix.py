"""The authorisation matrix, generated from the URL configuration.

Every route of the site (the Django admin apart from its index, which guards
itself with is_staff and model permissions) and every method of every API
view needs a rule in matrix_rules.py; a new endpoint without one fails
here. Each rule is then called as each role: anonymous, a read key, a
revoked key, an account without a role, a fact-checker, an editor and an
admin (there are no teams, so no cross-team cells). Each cell asserts the
status, a problem+json body for API refusals, and, for every refusal, that
nothing at all was written; a caller let in to a writing rule must have
changed something.
"""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.reliability.matrix_rules import LOGIN, OK, REFUSED, RULES
from tests.reliability.matrix_world import ROLES, SESSION_USER, World, client_for, fingerprint

pytestmark = pytest.mark.django_db

API_METHODS = ("get", "post", "put", "patch", "delete")


def routes():
    """(url name, route, callback) of every pattern outside the Django admin."""

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                yield (
                    (namespace + pattern.name if pattern.name else ""),
                    prefix + str(pattern.pattern),
                    pattern.callback,
                )

    for name, route, callback in walk(get_resolver().url_patterns):
        if route.startswith("admin/") and name != "admin:index":
            continue
        yield name, route, callback


def api_methods(callback) -> set[str]:
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return {m for m in API_METHODS if view is not None and hasattr(view, m)}


def test_it_has_a_rule_for_every_route_and_every_api_method():
    ruled = {(rule.name, rule.method) for rule in RULES}
    missing = []
    for name, route, callback in routes():
        if not any(rule_name == name for rule_name, _ in ruled):
            missing.append(f"{route} (name {name!r}): no rule at all")
        if route.startswith("api/v1/") and name:
            missing += [
                f"{route} {method.upper()}: no rule"
                for method in sorted(api_methods(callback))
                if (name, method) not in ruled
            ]
    assert not missing, "Add a rule in tests/reliability/matrix_rules.py for:\n" + "\n".join(missing)
    names = {name for name, _, _ in routes()}
    stale = sorted({rule.name for rule in RULES} - names)
    assert not stale, f"rules for routes that no longer exist: {stale}"


def outcome(response) -> object:
    if response.status_code in (301, 302) and "login" in response.get("Location", ""):
        return LOGIN
    if response.status_code in (401, 403, 404):
        return response.status_code
    return OK


def check_cell(rule, role, response, before, after) -> list[str]:
    expected = rule.expect[role]
    got = outcome(response)
    where = f"{rule.method.upper()} {rule.name or '/api/v1/*'} as {role}"
    if response.status_code >= 500 and response.status_code not in rule.extra.get("ok_statuses", ()):
        return [f"{where}: server error {response.status_code}"]
    if expected == REFUSED:
        ok = got == OK and after == before
        return [] if ok else [f"{where}: expected a refusal that writes nothing, got {response.status_code}"]
    if got != expected:
        return [f"{where}: expected {expected}, got {response.status_code} {response.get('Location', '')}"]
    problems = []
    if expected != OK and after != before:
        problems.append(f"{where}: refused, but something was written")
    if expected == OK and rule.writes and after == before:
        problems.append(f"{where}: let in, but nothing was written ({response.status_code})")
    is_api = rule.name.startswith("api-") or rule.name == ""
    if is_api and expected in (401, 403, 404) and not response["Content-Type"].startswith("application/problem+json"):
        problems.append(f"{where}: refusal is not problem+json")
    if is_api and expected == 401 and response.get("WWW-Authenticate") != "Bearer":
        problems.append(f"{where}: 401 without WWW-Authenticate: Bearer")
    return problems


def send(client, rule, path, body, headers):
    if body is None:
        return getattr(client, rule.method)(path, **headers)
    is_api = path.startswith("/api/")
    if is_api and not rule.multipart:
        return getattr(client, rule.method)(path, data=json.dumps(body), content_type="application/json", **headers)
    return getattr(client, rule.method)(path, data=body, **headers)


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_each_role_do_exactly_what_its_rule_says(
    role, alice, bob, erin, frank, adam, carol, make_source, figures, settings
):
    users = {"alice": alice, "bob": bob, "erin": erin, "frank": frank, "adam": adam, "carol": carol}
    actor = users.get(SESSION_USER.get(role, ""), None) if role != "no_role" else carol
    world = World(
        actor if role in SESSION_USER else None, users, make_source(name="Ministry of Transport", kind="ministry")
    )
    client = client_for(role, users)
    problems = []
    for rule in RULES:
        path, body, headers = rule.build(world)
        before = fingerprint()
        response = send(client, rule, path, body, headers)
        problems += check_cell(rule, role, response, before, fingerprint())
    assert not problems, "\n".join(problems)
    figures("authorisation_matrix", **{f"cells_{role}": len(RULES)}, rules=len(RULES), roles=len(ROLES))
