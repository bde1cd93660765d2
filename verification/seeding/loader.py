"""Load seed stories (seeds/*.json) into the database: checked first, written
in one transaction, idempotent.

Natural keys make a second run change nothing: conflicts by name, sources by
(name, country) among live records, aliases by their normalised spelling,
claims by their text. Records that already exist are left as they are, so a
re-seed never overwrites what people changed in the desk.

Format (one JSON object per file)::

    {"story": "...", "conflicts": [{"name", "description"}],
     "sources": [{"name", "kind", "country", "parent", "homepage", "aliases": [..],
                  "parties": [{"conflict", "side"}], "grade": {"grade", "rationale"}, "notes"}],
     "relations": [{"from", "to", "kind"}],
     "claims": [{"text", "language", "first_made_at", "priority", "reach", "tags": [..],
                 "attributions": [{"source", "role", "quote", "relays", "appeared_in", "appeared_url", "appeared_at"}],
                 "appearances": [{"url", "outlet", "published_at", "title"}],
                 "evidence": [{"kind", "title", "url", "provided_by", "stance", "credibility", "notes"}],
                 "assessment": {"reviewer", "signed_off_by", "verdict", "confidence", "credibility", "rationale"}}]}

Fields left out take the defaults in serializers.py, which checks every file
first. Seeded evidence is never captured: it is stored with capture "not
requested". An assessment goes through the review queue's moves and is
skipped with a note when its people are missing here or lack the rights.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from sources.actions import grade_source
from sources.models import Conflict, ConflictParty, Source, SourceAlias, SourceEvent, SourceRelation
from sources.roles import ensure_roles
from sources.text import normalise_name
from verification.models import Claim, CustodyEvent, Evidence
from verification.seeding.checks import SeedError, SeedInvalid, check_documents
from verification.workflow import transitions
from verification.workflow.claims import AttributionInput, ClaimInput, create_claim

__all__ = ["SeedError", "SeedInvalid", "SeedReport", "load_seeds", "read_documents"]


@dataclass
class SeedReport:
    created: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def read_documents(folder: Path) -> list[tuple[str, object]]:
    """Parse every seeds/*.json; a JSON syntax error is reported like any other."""
    files = sorted(Path(folder).glob("*.json"))
    if not files:
        raise SeedInvalid([SeedError(str(folder), "", "", "No *.json seed files in this folder.")])
    documents, errors = [], []
    for path in files:
        try:
            documents.append((path.name, json.loads(path.read_text(encoding="utf-8"))))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            where = f"line {exc.lineno}, column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
            errors.append(SeedError(path.name, where, "", f"Not valid UTF-8 JSON: {exc}"))
    if errors:
        raise SeedInvalid(errors)
    return documents


def load_seeds(folder: Path, before_write=None) -> SeedReport:
    """1. Read and check every file (raise SeedInvalid listing every error);
    2. in one transaction: ``before_write`` (e.g. demo users), conflicts,
    sources parents first, relations, then claims with their evidence."""
    documents = read_documents(folder)
    plan = check_documents(documents)
    report = SeedReport()
    with transaction.atomic():
        ensure_roles()
        if before_write:
            before_write(report)
        for item in plan.conflicts:
            _, made = Conflict.objects.get_or_create(name=item["name"], defaults={"description": item["description"]})
            report.add("conflicts", made)
        sources = {}
        for item in plan.sources_parents_first():
            sources[item["name"]] = _seed_source(item, sources, report)
        for item in plan.relations:
            _, made = SourceRelation.objects.get_or_create(
                from_source=_source(item["from"], sources), to_source=_source(item["to"], sources), kind=item["kind"]
            )
            report.add("relations", made)
        for origin, item in plan.claims:
            _seed_claim(origin, item, sources, report)
    return report


def _source(name: str, sources: dict) -> Source:
    return sources.get(name) or Source.objects.get(name=name, merged_into__isnull=True)


def _existing_source(name: str, country: str) -> Source | None:
    """The live record, or the one a seeded record was merged into (a re-seed
    must not bring a merged duplicate back)."""
    candidates = list(Source.objects.filter(name=name, country=country).order_by("pk"))
    node = next((s for s in candidates if s.merged_into_id is None), candidates[0] if candidates else None)
    seen = set()
    while node is not None and node.merged_into_id and node.pk not in seen:
        seen.add(node.pk)
        node = node.merged_into
    return node


def _seed_source(item: dict, sources: dict, report: SeedReport) -> Source:
    source = _existing_source(item["name"], item["country"])
    if source is None:
        source = Source.objects.create(
            name=item["name"],
            country=item["country"],
            kind=item["kind"],
            homepage=item["homepage"],
            notes=item["notes"],
            parent=_source(item["parent"], sources) if item["parent"] else None,
        )
        SourceEvent.objects.create(source=source, kind=SourceEvent.Kind.CREATED, note="Loaded from the seed story.")
        report.add("sources")
    have = set(source.aliases.values_list("normalised", flat=True))
    for name in item["aliases"]:
        if normalise_name(name) not in have:
            alias = SourceAlias.objects.create(source=source, name=name)
            have.add(alias.normalised)
            report.add("aliases")
    # Names per language: the alias of that spelling is marked with its language (made if missing).
    # A spelling is one alias, so a name that reads the same in Latin as another language's
    # (Пентагон) keeps the first language; the other falls back to the source's own name.
    for language, name in item["names"].items():
        if source.aliases.filter(language=language).exists():
            continue
        alias = source.aliases.filter(normalised=normalise_name(name)).first()
        if alias is None:
            SourceAlias.objects.create(source=source, name=name, language=language)
        elif alias.language:
            continue
        else:
            alias.language = language
            alias.save(update_fields=["language"])
        report.add("names per language")
    for party in item["parties"]:
        _, made_party = ConflictParty.objects.get_or_create(
            source=source, conflict=Conflict.objects.get(name=party["conflict"]), defaults={"side": party["side"]}
        )
        report.add("conflict parties", made_party)
    grade = item["grade"]
    if grade and not source.grades.exists():
        grade_source(None, source.pk, grade["grade"], grade["rationale"])
        report.add("grades")
    return source


def _seed_claim(origin: str, item: dict, sources: dict, report: SeedReport) -> None:
    text = item["text"]
    if Claim.objects.filter(text=text).exists():
        return
    attributions = [
        AttributionInput(
            source=_source(a["source"], sources),
            role=a["role"],
            quote=a["quote"],
            appeared_url=a["appeared_url"],
            appeared_at=a["appeared_at"],
            appeared_in=_source(a["appeared_in"], sources) if a["appeared_in"] else None,
            relays_source=_source(a["relays"], sources) if a["relays"] else None,
        )
        for a in item["attributions"]
    ]
    appearances = [
        {
            "url": a["url"],
            "title": a["title"],
            "published_at": a["published_at"],
            "outlet": _source(a["outlet"], sources) if a["outlet"] else None,
        }
        for a in item["appearances"]
    ]
    claim = create_claim(
        None,
        ClaimInput(
            text=text,
            language=item["language"],
            first_made_at=item["first_made_at"],
            priority=item["priority"],
            reach=item["reach"],
            tags=item["tags"],
            attributions=attributions,
            appearances=appearances,
        ),
    )
    report.add("claims")
    for ev in item["evidence"]:
        evidence = Evidence.objects.create(
            claim=claim,
            kind=ev["kind"],
            title=ev["title"],
            url=ev["url"],
            notes=ev["notes"],
            provided_by=_source(ev["provided_by"], sources) if ev["provided_by"] else None,
            stance=ev["stance"],
            credibility=ev["credibility"],
            capture_status=Evidence.Capture.NOT_REQUESTED,  # seeded evidence is never fetched
        )
        CustodyEvent.objects.create(evidence=evidence, action=CustodyEvent.Action.ADDED, detail={"via": "seed"})
        report.add("evidence")
    if item["assessment"]:
        _seed_assessment(origin, claim, item["assessment"], report)


def _seed_assessment(origin: str, claim: Claim, block: dict, report: SeedReport) -> None:
    """Through the review queue's own moves: an editor hands the claim to the
    reviewer, who assesses it; a second person signs it off if named.

    The file names accounts of this installation, which a seed cannot make
    (with DEBUG off none are created), so a missing account or right skips the
    assessment with a note instead of refusing the whole seed; everyone is
    checked before the first move, so the claim is never left half-assessed."""
    users = get_user_model().objects
    reviewer = users.filter(username=block["reviewer"]).first()
    signer = users.filter(username=block["signed_off_by"]).first() if block["signed_off_by"] else None
    assigner = signer if signer and signer.has_perm("verification.assign_claim") else None
    assigner = assigner or users.filter(groups__permissions__codename="assign_claim").order_by("pk").first()
    problem = _assessment_problem(block, reviewer, signer, assigner)
    if problem:
        report.notes.append(f"{origin}: assessment skipped (claim {claim.pk}): {problem}")
        return
    transitions.reassign(assigner, claim.pk, reviewer, note="Seed story")
    transitions.assess(
        reviewer,
        claim.pk,
        verdict=block["verdict"],
        confidence=block["confidence"],
        credibility=block["credibility"],
        rationale=block["rationale"],
    )
    if signer is not None:
        transitions.sign_off(signer, claim.pk, note="Seed story")
    report.add("assessments")


def _assessment_problem(block: dict, reviewer, signer, assigner) -> str:
    """What stops the seeded assessment here, said so the user knows what to do; or ""."""
    then = "then assess the claim in the desk"
    for key, user, perm, role in (
        ("reviewer", reviewer, "review_claim", "a fact-checker"),
        ("signed_off_by", signer, "signoff_claim", "an editor"),
    ):
        name = block[key]
        if name and user is None:
            return f"no user '{name}' ({key}) here; create it (with DEBUG on, `seed` makes demo logins), {then}."
        if name and not user.has_perm(f"verification.{perm}"):
            return f"'{name}' ({key}) is not {role}; give that account the role or name {role} in the file, {then}."
    if assigner is None:
        return f"no editor here to hand the claim to its reviewer; create an editor account, {then}."
    return ""
