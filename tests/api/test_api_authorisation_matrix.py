"""Every API core endpoint × every kind of caller: who is let in, who is not,
and what the database holds afterwards.

Callers: anonymous, a read key, a revoked and an expired read key, the
fact-checker alice, the editor erin and the admin adam by session, and
review/admin keys acting as alice and adam.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from sources.models import Source
from tests.api.core_support import PERSONAS, caller, publish  # noqa: F401 - fixture
from verification.models import Claim
from verification.workflow import transitions

DENIED_NO_KEY = {"anonymous": 401, "revoked_key": 401, "expired_key": 401}


def _expect(ok: int, *, read_key=None, reviewers=None, editors=None) -> dict:
    """Statuses per persona: ``ok`` unless a group is refused."""
    table = {p: ok for p in PERSONAS} | DENIED_NO_KEY
    if read_key:
        table["read_key"] = read_key
    if reviewers:
        table.update(fact_checker=reviewers, review_key=reviewers)
    if editors:
        table.update(editor=editors)
    return table


READ = _expect(200)
REVIEW_WRITE = lambda ok: _expect(ok, read_key=403)  # noqa: E731
EDITOR_WRITE = lambda ok: _expect(ok, read_key=403, reviewers=403)  # noqa: E731
ADMIN_WRITE = lambda ok: _expect(ok, read_key=403, reviewers=403, editors=403)  # noqa: E731


@dataclass
class Ctx:
    user: object  # who acts, or None
    claim: Claim
    source: Source
    bob: object
    frank: object


@dataclass
class Case:
    name: str
    expect: dict
    request: Callable  # ctx -> (method, path, body, headers)
    verify: Callable = lambda ctx, allowed, response: None


def _holder(ctx):
    """The lease goes to the caller when they may hold one, else to bob."""
    return ctx.user if ctx.user is not None else ctx.bob


def _leased(ctx):
    transitions.take_next(_holder(ctx))
    return Claim.objects.get(pk=ctx.claim.pk)


def _assessed(ctx):
    transitions.take_next(ctx.bob)
    return transitions.assess(ctx.bob, ctx.claim.pk, verdict="false", confidence=0.8, rationale="Old video.")


def _state(ctx):
    return Claim.objects.get(pk=ctx.claim.pk).state


def _get(path):
    return lambda ctx: ("get", path.format(c=ctx.claim.pk, s=ctx.source.pk), None, {})


def _unchanged_version(ctx, allowed, response):
    assert Claim.objects.get(pk=ctx.claim.pk).version == ctx.claim.version


def _action(name, prepare, body, to_state):
    def request(ctx):
        claim = prepare(ctx)
        ctx.claim = claim
        return "post", f"/api/v1/claims/{claim.pk}/{name}", {"version": claim.version, **body}, {}

    def verify(ctx, allowed, response):
        claim = Claim.objects.get(pk=ctx.claim.pk)
        if allowed:
            assert claim.state == to_state and claim.version > ctx.claim.version
            assert response.json()["version"] == claim.version
        else:
            assert claim.version == ctx.claim.version

    return request, verify


def _lists_the_claim(ctx, allowed, response):
    if allowed:
        assert [c["id"] for c in response.json()["results"]] == [ctx.claim.pk]


def _create_claim_request(ctx):
    body = {"text": "Matrix claim text", "attributions": [{"source": ctx.source.pk, "role": "stated"}]}
    return "post", "/api/v1/claims", body, {}


def _create_claim_verify(ctx, allowed, response):
    claims = Claim.objects.filter(text="Matrix claim text")
    assert claims.count() == (1 if allowed else 0)
    if allowed:
        assert claims.get().attributions.get().source == ctx.source
        assert response.json()["id"] == claims.get().pk


def _patch_request(ctx):
    return (
        "patch",
        f"/api/v1/claims/{ctx.claim.pk}",
        {"priority": 77},
        {"HTTP_IF_MATCH": f'"{ctx.claim.pk}-{ctx.claim.version}"'},
    )


def _patch_verify(ctx, allowed, response):
    assert Claim.objects.get(pk=ctx.claim.pk).priority == (77 if allowed else 50)


def _queue_next_verify(ctx, allowed, response):
    claim = Claim.objects.get(pk=ctx.claim.pk)
    if allowed:
        assert claim.state == "in_review" and claim.lease_owner == ctx.user
        assert response.json()["id"] == claim.pk
    else:
        assert claim.state == "queued" and claim.lease_owner is None


def _published(ctx):
    claim = publish(ctx.claim, ctx.bob, ctx.frank)
    ctx.claim = claim
    return claim


def _claimreview_request(ctx):
    claim = _published(ctx)
    return "get", f"/api/v1/claims/{claim.pk}/claimreview", None, {}


def _bulk_request(ctx):
    return "post", "/api/v1/status/bulk", {"ids": [ctx.claim.pk]}, {}


def _source_create_verify(ctx, allowed, response):
    assert Source.objects.filter(name="Matrix Ministry").exists() == allowed


def _source_patch_verify(ctx, allowed, response):
    assert Source.objects.get(pk=ctx.source.pk).homepage == ("https://example.org/" if allowed else "")


def _comments_request(ctx):
    from verification.workflow import discussion

    discussion.post_comment(ctx.bob, ctx.claim.pk, "Internal: the clip is from 2019.")
    return "get", f"/api/v1/claims/{ctx.claim.pk}/comments", None, {}


def _comments_verify(ctx, allowed, response):
    assert ("Internal: the clip is from 2019." in response.content.decode()) == allowed


def _comment_create_verify(ctx, allowed, response):
    from verification.models import Comment

    comments = Comment.objects.filter(claim=ctx.claim)
    assert comments.count() == (1 if allowed else 0)
    if allowed:
        assert response.json()["author"] == comments.get().author.username == ctx.user.username


_release = _action("release", _leased, {}, "queued")
_extend = _action("extend", _leased, {}, "in_review")
_assess = _action(
    "assess",
    _leased,
    {"verdict": "misleading", "confidence": 0.7, "rationale": "Cut from context."},
    "awaiting_signoff",
)
_signoff = _action("signoff", _assessed, {}, "published")
_return = _action("return", _assessed, {"comment": "Cite the original upload."}, "in_review")
_reopen = _action("reopen", _published, {"reason": "New footage."}, "reopened")

CASES = [
    Case("claims_list", READ, _get("/api/v1/claims"), _lists_the_claim),
    Case("claims_create", REVIEW_WRITE(201), _create_claim_request, _create_claim_verify),
    Case("claim_detail", READ, _get("/api/v1/claims/{c}"), _unchanged_version),
    Case("claim_patch", EDITOR_WRITE(200), _patch_request, _patch_verify),
    Case("claim_status", READ, _get("/api/v1/claims/{c}/status"), _unchanged_version),
    Case("claim_claimreview", READ, _claimreview_request),
    Case("status_lookup", READ, _get("/api/v1/status?text=North+Korea+has+sent"), _unchanged_version),
    Case("status_bulk", READ, _bulk_request),
    Case("queue_next", REVIEW_WRITE(200), lambda ctx: ("post", "/api/v1/queue/next", {}, {}), _queue_next_verify),
    Case("claim_release", REVIEW_WRITE(200), *_release),
    Case("claim_extend", REVIEW_WRITE(200), *_extend),
    Case("claim_assess", REVIEW_WRITE(200), *_assess),
    Case("claim_signoff", EDITOR_WRITE(200), *_signoff),
    Case("claim_return", EDITOR_WRITE(200), *_return),
    Case("claim_reopen", EDITOR_WRITE(200), *_reopen),
    Case("claim_comments_list", REVIEW_WRITE(200), _comments_request, _comments_verify),
    Case(
        "claim_comments_create",
        REVIEW_WRITE(201),
        lambda ctx: ("post", f"/api/v1/claims/{ctx.claim.pk}/comments", {"body": "Matrix comment."}, {}),
        _comment_create_verify,
    ),
    Case("export_csv", READ, _get("/api/v1/export/claims.csv"), _unchanged_version),
    Case("export_json", READ, _get("/api/v1/export/claims.json"), _unchanged_version),
    Case("sources_list", READ, _get("/api/v1/sources")),
    Case("source_detail", READ, _get("/api/v1/sources/{s}")),
    Case(
        "sources_create",
        ADMIN_WRITE(201),
        lambda ctx: ("post", "/api/v1/sources", {"name": "Matrix Ministry"}, {}),
        _source_create_verify,
    ),
    Case(
        "source_patch",
        ADMIN_WRITE(200),
        lambda ctx: ("patch", f"/api/v1/sources/{ctx.source.pk}", {"homepage": "https://example.org/"}, {}),
        _source_patch_verify,
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_it_lets_in_exactly_the_callers_allowed(case, persona, caller, bob, frank, make_claim, make_source):
    client, user = caller(persona)
    source = make_source()
    ctx = Ctx(user=user, claim=make_claim(sources=[(source, "stated")]), source=source, bob=bob, frank=frank)
    method, path, body, headers = case.request(ctx)
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
    response = getattr(client, method)(path, **kwargs, **headers)

    expected = case.expect[persona]
    assert response.status_code == expected, (case.name, persona, response.status_code, response.content[:400])
    allowed = expected < 400
    if not allowed:
        assert response["Content-Type"].startswith("application/problem+json")
        if expected == 401:
            assert response["WWW-Authenticate"] == "Bearer"
    case.verify(ctx, allowed, response)
