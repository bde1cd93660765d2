"""ETags and conditional requests for claims.

A claim's ETag is ``"<id>-<version>"``: every change bumps ``version``, so it
names one state of the claim without hashing a body. GETs answer 304 to a
matching ``If-None-Match``; PATCH requires ``If-Match`` (428 without, or with
a value that is no ETag; 412 when stale). Weak tags (``W/"…"``, as some
proxies rewrite them) are accepted for both, because the version they carry
is exact.
"""

import re

from django.utils.translation import gettext

from verification.api.errors import Problem

# What If-Match must hold: one or more entity tags (RFC 9110), weak or strong,
# such as "12-3". The schema gives this pattern; anything else (a bare word,
# '*') cannot be checked against a version, so it counts as no If-Match.
ENTITY_TAGS = r'^\s*(W/)?"[^"]*"\s*(,\s*(W/)?"[^"]*"\s*)*$'
_ENTITY_TAGS = re.compile(ENTITY_TAGS)


def etag_for(claim_id: int, version: int) -> str:
    return f'"{claim_id}-{version}"'


def _tags(header: str) -> list[str]:
    tags = []
    for part in header.split(","):
        part = part.strip()
        if part.startswith("W/"):
            part = part[2:]
        tags.append(part.strip('"'))
    return [t for t in tags if t]


def none_match(header: str | None, etag: str) -> bool:
    """True when If-None-Match names this ETag (or '*'): answer 304."""
    if not header:
        return False
    wanted = etag.strip('"')
    return any(tag == "*" or tag == wanted for tag in _tags(header))


def _version_of(tag: str, claim_id: int) -> int | None:
    claim_part, _, version = tag.rpartition("-")
    if claim_part and claim_part != str(claim_id):
        return None
    return int(version) if version.isdigit() else None


def expected_version(header: str | None, claim_id: int, current_version: int) -> int:
    """The version an If-Match header holds; 428 without one. A header that
    names no version of this claim cannot match: 412 right away."""
    if not header or not header.strip():
        raise Problem(
            428,
            gettext(
                "Send the claim's ETag in an If-Match header, as you got it from GET "
                "/api/v1/claims/%(claim_id)s, so that your edit cannot overwrite a newer one."
            )
            % {"claim_id": claim_id},
        )
    tags = _tags(header)
    if tags == ["*"]:
        raise Problem(428, gettext("If-Match: * would skip the check; send the ETag you read."))
    if not _ENTITY_TAGS.match(header):
        raise Problem(
            428,
            gettext(
                "If-Match %(value)s is not an ETag: send it as GET /api/v1/claims/%(claim_id)s gave it, "
                'quotes included, such as "%(claim_id)s-%(current_version)s".'
            )
            % {"value": repr(header[:100]), "claim_id": claim_id, "current_version": current_version},
        )
    versions = [v for v in (_version_of(tag, claim_id) for tag in tags) if v is not None]
    if not versions:
        raise Problem(
            412,
            gettext(
                "If-Match %(header)s does not name a version of claim %(claim_id)s; it is at "
                "%(claim_id2)s. Fetch it again."
            )
            % {"header": repr(header), "claim_id": claim_id, "claim_id2": etag_for(claim_id, current_version)},
            current_version=current_version,
        )
    # With several tags, the current one is the one to check (atomically, later).
    return current_version if current_version in versions else versions[0]
