"""The API contract changes only on purpose: the OpenAPI schema and every URL
pattern equal the committed copies (openapi.json, urls.txt).

The copies were first taken before the redesign (commit 32c157f), and this
test held them unchanged through the move. Descriptions and summaries are
prose and may be reworded; everything else in the schema (paths, methods,
parameters, bodies, status codes, components, security) must be equal. A
deliberate change of the API is made by regenerating the copies
(`python -m tests.contract.snapshot`) in the same commit, so the diff shows
clients what changed; an accidental one is fixed in the code.
"""

import json
from pathlib import Path

from django.urls import URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

HERE = Path(__file__).resolve().parent
PROSE = {"description", "summary"}


# The database's own integer ranges: drf-spectacular reads a model field's bounds
# from the connection (SQLite reports 64-bit ranges where PostgreSQL has smallint),
# so they differ between the CI passes without the contract changing.
DATABASE_RANGES = {2**63 - 1, -(2**63), 2**31 - 1, -(2**31), 2**15 - 1, -(2**15)}


def without_prose(node):
    """The schema with every ``description`` and ``summary`` key removed, at any
    depth, and integers without the database's own ranges and formats."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            node = {
                k: v
                for k, v in node.items()
                if k != "format" and not (k in ("maximum", "minimum") and v in DATABASE_RANGES)
            }
        return {k: without_prose(v) for k, v in node.items() if k not in PROSE}
    if isinstance(node, list):
        return [without_prose(v) for v in node]
    return node


def live_schema() -> dict:
    # Rendered and read back, so the live schema has the committed file's JSON types.
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


def differences(before, now, where="") -> list[str]:
    """Readable differences, one line each, as JSON paths ("/paths/~1api~1v1~1claims/get/...")."""
    if isinstance(before, dict) and isinstance(now, dict):
        lines = []
        for key in sorted(set(before) | set(now)):
            here = f"{where}/{str(key).replace('~', '~0').replace('/', '~1')}"
            if key not in now:
                lines.append(f"removed  {here}")
            elif key not in before:
                lines.append(f"added    {here}: {json.dumps(now[key])[:200]}")
            else:
                lines += differences(before[key], now[key], here)
        return lines
    if isinstance(before, list) and isinstance(now, list):
        if len(before) == len(now):
            return [line for i, (b, n) in enumerate(zip(before, now)) for line in differences(b, n, f"{where}/{i}")]
        old, new = [json.dumps(v, sort_keys=True) for v in before], [json.dumps(v, sort_keys=True) for v in now]
        gone, added = [v for v in old if v not in new], [v for v in new if v not in old]
        return [
            f"changed  {where}: lost {', '.join(gone)[:300] or 'nothing'}; gained {', '.join(added)[:300] or 'nothing'}"
        ]
    if before != now:
        return [f"changed  {where}: {json.dumps(before)[:200]} -> {json.dumps(now)[:200]}"]
    return []


def url_lines() -> list[str]:
    """One "pattern name" line per URL, sorted; the admin site as one line
    (what snapshot.py writes to urls.txt)."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.app_name == "admin":
                    yield f"{prefix}{p.pattern} (admin site)"
                else:
                    yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield f"{prefix}{p.pattern} {p.name or ''}"

    return sorted(walk(get_resolver().url_patterns))


def test_it_serves_the_committed_openapi_schema_descriptions_aside():
    before = without_prose(json.loads((HERE / "openapi.json").read_text(encoding="utf-8")))
    now = without_prose(live_schema())
    found = differences(before, now)
    assert not found, (
        "the API schema differs from tests/contract/openapi.json; if on purpose, run "
        "`python -m tests.contract.snapshot` and commit the diff:\n" + "\n".join(found[:200])
    )
    assert now == before  # what the readable list could have missed


def test_it_serves_the_same_schema_at_api_schema(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    served = without_prose(json.loads(response.content))
    assert sorted(served["paths"]) == sorted(without_prose(live_schema())["paths"])
    assert served == without_prose(live_schema())


def test_it_routes_the_committed_url_patterns():
    before = (HERE / "urls.txt").read_text(encoding="utf-8").splitlines()
    now = url_lines()
    gone, new = sorted(set(before) - set(now)), sorted(set(now) - set(before))
    assert now == before, f"URL patterns differ from tests/contract/urls.txt: gone {gone}, new {new}"
