"""Checking seed files before anything is written.

Every problem becomes a SeedError naming the file, the item (section, index
and name) and the field, and all of them are reported at once, so one run
shows everything to fix.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.dateparse import parse_datetime

from sources.models import Conflict, Reliability, Source, SourceKind, SourceRelation
from sources.text import normalise_name
from verification.models import AttributionRole, Evidence, Verdict
from verification.urlnorm import normalise_url


@dataclass
class SeedError:
    file: str
    item: str
    field: str
    message: str

    def __str__(self):
        where = ", ".join(part for part in (self.item, f"field '{self.field}'" if self.field else "") if part)
        return f"{self.file}: {where}: {self.message}" if where else f"{self.file}: {self.message}"


class SeedInvalid(Exception):
    def __init__(self, errors: list[SeedError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class SeedPlan:
    conflicts: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    relations: list[dict] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)

    def sources_parents_first(self) -> list[dict]:
        by_name, done, ordered = {s["name"]: s for s in self.sources}, set(), []

        def visit(item):
            if item["name"] in done:
                return
            done.add(item["name"])  # before recursing: the checks already refused cycles
            if item.get("parent") in by_name:
                visit(by_name[item["parent"]])
            ordered.append(item)

        for item in self.sources:
            visit(item)
        return ordered


SECTIONS = {"story", "conflicts", "sources", "relations", "claims"}
SOURCE_FIELDS = {"name", "kind", "country", "parent", "homepage", "aliases", "parties", "grade", "notes"}
CLAIM_FIELDS = {
    "text",
    "language",
    "first_made_at",
    "priority",
    "reach",
    "tags",
    "attributions",
    "appearances",
    "evidence",
    "assessment",
}
ATTRIBUTION_FIELDS = {"source", "role", "quote", "relays", "appeared_in", "appeared_url", "appeared_at"}
APPEARANCE_FIELDS = {"url", "outlet", "published_at", "title"}
EVIDENCE_FIELDS = {"kind", "title", "url", "provided_by", "stance", "credibility", "notes"}
ASSESSMENT_FIELDS = {"reviewer", "signed_off_by", "verdict", "confidence", "credibility", "rationale"}


class _Item:
    """One object being checked: knows where it is, collects its errors."""

    def __init__(self, checker, file, label, data, allowed, required=()):
        self.checker, self.file, self.label, self.data = checker, file, label, data if isinstance(data, dict) else {}
        if not isinstance(data, dict):
            self.error("", "Expected an object with named fields.")
            return
        for key in sorted(set(data) - set(allowed)):
            self.error(key, f"Unknown field; use {', '.join(sorted(allowed))}.")
        for key in required:
            if key not in data:
                self.error(key, "Required.")

    def error(self, name, message):
        self.checker.errors.append(SeedError(self.file, self.label, name, message))

    def text(self, name, required=False, max_length=None) -> str:
        value = self.data.get(name) or ""  # null and missing both mean "not given"
        if not isinstance(value, str):
            self.error(name, "Must be text.")
            return ""
        value = value.strip()
        if "\x00" in value:  # PostgreSQL text cannot hold it: the write would fail, not explain
            self.error(name, "Contains a NUL character (\\u0000); remove it.")
        if required and not value and name in self.data:
            self.error(name, "May not be empty.")
        if max_length and len(value) > max_length:
            self.error(name, f"At most {max_length} characters.")
        return value

    def choice(self, name, choices, default=None):
        if name not in self.data and default is None:
            return None  # a missing required field is reported once, as "Required"
        value = self.data.get(name, default)
        if not isinstance(value, (str, int)) or value not in choices:
            self.error(name, f"'{value}' is not allowed; use one of {', '.join(map(str, choices))}.")
            return None  # reported; later checks compare and hash it, so never pass a list or dict on
        return value

    def integer(self, name, low, high, default=None):
        value = self.data.get(name)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.error(name, f"{value!r} is out of range: use a whole number from {low} to {high}.")
            return default
        return value

    def number(self, name, low, high):
        if name not in self.data:
            return None
        value = self.data.get(name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            self.error(name, f"{value!r} is out of range: use a number from {low} to {high}.")
            return None
        return value

    def moment(self, name) -> datetime | None:
        value = self.data.get(name)
        if value in (None, ""):
            return None
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is None or parsed.tzinfo is None:
            self.error(name, f"{value!r} is not an ISO 8601 time with a zone, e.g. 2024-10-18T09:00:00Z.")
        return parsed

    def url(self, name, max_length=2000) -> str:
        value = self.text(name, max_length=max_length)
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                self.error(name, f"'{value}' is not an http(s) URL.")
        return value

    def strings(self, name, max_length) -> list[str]:
        value = self.data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.error(name, "Must be a list of non-empty texts.")
            return []
        if any(len(v) > max_length for v in value):
            self.error(name, f"Each entry is at most {max_length} characters.")
        if any("\x00" in v for v in value):
            self.error(name, "An entry contains a NUL character (\\u0000); remove it.")
        return [v.strip() for v in value]

    def objects(self, name) -> list:
        value = self.data.get(name, [])
        if not isinstance(value, list):
            self.error(name, "Must be a list.")
            return []
        return value


def _label(section, index, name="") -> str:
    name = (name or "").strip() if isinstance(name, str) else ""
    return f'{section}[{index}] "{name[:50]}{"…" if len(name) > 50 else ""}"' if name else f"{section}[{index}]"


class Checker:
    def __init__(self):
        self.errors: list[SeedError] = []
        self.plan = SeedPlan()
        self.source_names: dict[str, str] = {}  # name -> file that defines it
        self.conflict_names = set(Conflict.objects.values_list("name", flat=True))
        self.live_names = {}
        for name in Source.objects.filter(merged_into__isnull=True).values_list("name", flat=True):
            self.live_names[name] = self.live_names.get(name, 0) + 1

    def known_source(self, item: _Item, name_field: str, name: str) -> None:
        if name in self.source_names:
            return
        count = self.live_names.get(name, 0)
        if count == 0:
            item.error(
                name_field, f"Unknown source '{name}': define it under \"sources\" or add it in the admin first."
            )
        elif count > 1:
            item.error(name_field, f"{count} live records are named '{name}'; merge or rename them first.")

    # --- sections -----------------------------------------------------------

    def document(self, file, doc) -> None:
        if not isinstance(doc, dict):
            self.errors.append(SeedError(file, "", "", "The file must hold one JSON object."))
            return
        for key in sorted(set(doc) - SECTIONS):
            self.errors.append(SeedError(file, "", key, f"Unknown section; use {', '.join(sorted(SECTIONS))}."))
        for section in ("conflicts", "sources", "relations", "claims"):
            if not isinstance(doc.get(section, []), list):
                self.errors.append(SeedError(file, "", section, "Must be a list."))
        for index, data in enumerate(doc.get("conflicts", []) if isinstance(doc.get("conflicts", []), list) else []):
            item = _Item(
                self,
                file,
                _label("conflicts", index, data.get("name") if isinstance(data, dict) else ""),
                data,
                {"name", "description"},
                ["name"],
            )
            name = item.text("name", required=True, max_length=200)
            item.text("description")
            if name:
                self.conflict_names.add(name)
                self.plan.conflicts.append({"name": name, "description": item.text("description")})

    def sources(self, file, doc) -> list[tuple[_Item, dict]]:
        checked = []
        for index, data in enumerate(doc.get("sources", []) if isinstance(doc.get("sources", []), list) else []):
            item = _Item(
                self,
                file,
                _label("sources", index, data.get("name") if isinstance(data, dict) else ""),
                data,
                SOURCE_FIELDS,
                ["name", "kind"],
            )
            name = item.text("name", required=True, max_length=300)
            if name in self.source_names:
                item.error("name", f"'{name}' is already defined in {self.source_names[name]}.")
            elif name:
                self.source_names[name] = file
            clean = {
                "name": name,
                "kind": item.choice("kind", SourceKind.values),
                "parent": item.text("parent"),
                "homepage": item.url("homepage", max_length=200),
                "notes": item.text("notes"),
                "aliases": item.strings("aliases", 300),
                "country": item.text("country").upper(),
            }
            if clean["country"] and not (
                len(clean["country"]) == 2 and clean["country"].isalpha() and clean["country"].isascii()
            ):
                item.error("country", f"'{clean['country']}' is not a two-letter ISO country code (e.g. UA, US).")
            normalised = [normalise_name(a) for a in clean["aliases"]]
            for dup in sorted({n for n in normalised if normalised.count(n) > 1}):
                item.error("aliases", f"Two aliases normalise to the same spelling '{dup}'; keep one.")
            clean["parties"] = self.parties(item)
            clean["grade"] = self.grade(item)
            checked.append((item, clean))
        return checked

    def parties(self, item: _Item) -> list[dict]:
        parties = []
        for index, data in enumerate(item.objects("parties")):
            if (
                not isinstance(data, dict)
                or not isinstance(data.get("conflict"), str)
                or not str(data.get("side", "")).strip()
            ):
                item.error(f"parties[{index}]", 'Give {"conflict": name, "side": who they fight for}.')
                continue
            if len(data["conflict"]) > 200 or len(str(data["side"])) > 100:
                item.error(f"parties[{index}]", "Conflict names are at most 200 characters, sides at most 100.")
            parties.append({"conflict": data["conflict"].strip(), "side": str(data["side"]).strip()})
        return parties

    def grade(self, item: _Item) -> dict | None:
        data = item.data.get("grade")
        if data is None:
            return None
        sub = _Item(self, item.file, item.label, data, {"grade", "rationale"}, ["grade", "rationale"])
        grade = sub.data.get("grade")
        if grade not in Reliability.values:
            item.error(
                "grade.grade", f"'{grade}' is not an Admiralty grade; use one of {', '.join(Reliability.values)}."
            )
        rationale = sub.text("rationale", required=True)
        return {"grade": grade, "rationale": rationale}

    def source_references(self, checked) -> None:
        parent_of = {clean["name"]: clean["parent"] for _, clean in checked}
        for item, clean in checked:
            if clean["parent"]:
                self.known_source(item, "parent", clean["parent"])
                seen, node = {clean["name"]}, clean["parent"]
                while node and node in parent_of:
                    if node in seen:
                        item.error("parent", f"The parent chain from '{clean['name']}' loops back on itself.")
                        break
                    seen.add(node)
                    node = parent_of[node]
            for index, party in enumerate(clean["parties"]):
                if party["conflict"] not in self.conflict_names:
                    item.error(
                        f"parties[{index}].conflict",
                        f"Unknown conflict '{party['conflict']}': define it under \"conflicts\".",
                    )
            self.plan.sources.append(clean)

    def relations(self, file, doc) -> None:
        for index, data in enumerate(doc.get("relations", []) if isinstance(doc.get("relations", []), list) else []):
            item = _Item(self, file, _label("relations", index), data, {"from", "to", "kind"}, ["from", "to", "kind"])
            clean = {
                "from": item.text("from", required=True),
                "to": item.text("to", required=True),
                "kind": item.choice("kind", SourceRelation.Kind.values),
            }
            for key in ("from", "to"):
                if clean[key]:
                    self.known_source(item, key, clean[key])
            if clean["from"] and clean["from"] == clean["to"]:
                item.error("to", "A source cannot be related to itself.")
            self.plan.relations.append(clean)

    def claims(self, file, doc, texts: dict[str, str]) -> None:
        for index, data in enumerate(doc.get("claims", []) if isinstance(doc.get("claims", []), list) else []):
            item = _Item(
                self,
                file,
                _label("claims", index, data.get("text") if isinstance(data, dict) else ""),
                data,
                CLAIM_FIELDS,
                ["text"],
            )
            text = item.text("text", required=True)
            if text in texts:
                item.error("text", f"The same claim is already in {texts[text]}.")
            elif text:
                texts[text] = file
            clean = {
                "text": text,
                "language": item.text("language", max_length=16) or "en",
                "first_made_at": item.moment("first_made_at"),
                "priority": item.integer("priority", 0, 100, 50),
                "reach": item.integer("reach", 0, 2**31 - 1, 0),
                "tags": item.strings("tags", 64),
            }
            clean["attributions"] = self.attributions(item)
            clean["appearances"] = self.appearances(item)
            clean["evidence"] = self.evidence(item)
            clean["assessment"] = self.assessment(item)
            self.plan.claims.append(clean)

    def attributions(self, claim: _Item) -> list[dict]:
        cleaned, seen_pairs, seen_sources = [], set(), set()
        for index, data in enumerate(claim.objects("attributions")):
            item = _Sub(claim, f"attributions[{index}]", data, ATTRIBUTION_FIELDS, ["source", "role"])
            clean = {
                "source": item.text("source", required=True),
                "role": item.choice("role", AttributionRole.values),
                "quote": item.text("quote"),
                "relays": item.text("relays"),
                "appeared_in": item.text("appeared_in"),
                "appeared_url": item.url("appeared_url"),
                "appeared_at": item.moment("appeared_at"),
            }
            for key in ("source", "appeared_in"):
                if clean[key]:
                    self.known_source(item, key, clean[key])
            if (clean["source"], clean["role"]) in seen_pairs:
                item.error(
                    "role", f"Duplicate attribution: '{clean['source']}' is already '{clean['role']}' on this claim."
                )
            if clean["relays"] and clean["relays"] not in seen_sources:
                item.error("relays", f"'{clean['relays']}' must be attributed earlier in this claim to be relayed.")
            seen_pairs.add((clean["source"], clean["role"]))
            seen_sources.add(clean["source"])
            cleaned.append(clean)
        return cleaned

    def appearances(self, claim: _Item) -> list[dict]:
        cleaned, seen = [], set()
        for index, data in enumerate(claim.objects("appearances")):
            item = _Sub(claim, f"appearances[{index}]", data, APPEARANCE_FIELDS, ["url"])
            clean = {
                "url": item.url("url"),
                "outlet": item.text("outlet"),
                "published_at": item.moment("published_at"),
                "title": item.text("title", max_length=500),
            }
            if clean["outlet"]:
                self.known_source(item, "outlet", clean["outlet"])
            if clean["url"] and normalise_url(clean["url"]) in seen:
                item.error("url", "This claim already has an appearance at that address.")
            seen.add(normalise_url(clean["url"]) if clean["url"] else None)
            cleaned.append(clean)
        return cleaned

    def evidence(self, claim: _Item) -> list[dict]:
        cleaned = []
        for index, data in enumerate(claim.objects("evidence")):
            item = _Sub(claim, f"evidence[{index}]", data, EVIDENCE_FIELDS, ["kind", "title"])
            clean = {
                "kind": item.choice("kind", Evidence.Kind.values),
                "title": item.text("title", required=True, max_length=500),
                "url": item.url("url"),
                "provided_by": item.text("provided_by"),
                "stance": item.choice("stance", Evidence.Stance.values, Evidence.Stance.CONTEXT),
                "credibility": item.integer("credibility", 1, 6),
                "notes": item.text("notes"),
            }
            if clean["provided_by"]:
                self.known_source(item, "provided_by", clean["provided_by"])
            if not (clean["url"] or clean["notes"]):
                item.error("notes", "Give a URL or describe the item in the notes (seeds carry no files).")
            cleaned.append(clean)
        return cleaned

    def assessment(self, claim: _Item) -> dict | None:
        if "assessment" not in claim.data:
            return None
        item = _Sub(
            claim,
            "assessment",
            claim.data["assessment"],
            ASSESSMENT_FIELDS,
            ["reviewer", "verdict", "confidence", "rationale"],
        )
        clean = {
            "reviewer": item.text("reviewer", required=True),
            "signed_off_by": item.text("signed_off_by"),
            "verdict": item.choice("verdict", Verdict.values),
            "confidence": item.number("confidence", 0, 1),
            "credibility": item.integer("credibility", 1, 6),
            "rationale": item.text("rationale", required=True),
        }
        if clean["reviewer"] and clean["reviewer"] == clean["signed_off_by"]:
            item.error("signed_off_by", "Sign-off needs a second person, not the reviewer.")
        return clean


class _Sub(_Item):
    """A nested object: errors name the claim and the path to the field."""

    def __init__(self, parent: _Item, path: str, data, allowed, required=()):
        self.path = path
        super().__init__(parent.checker, parent.file, parent.label, data, allowed, required)

    def error(self, name, message):
        super().error(f"{self.path}.{name}" if name else self.path, message)


def check_documents(documents: list[tuple[str, object]]) -> SeedPlan:
    """Check everything; raise SeedInvalid with every error, else return the plan."""
    checker = Checker()
    for file, doc in documents:
        checker.document(file, doc)
    checked = []
    for file, doc in documents:
        if isinstance(doc, dict):
            checked.extend(checker.sources(file, doc))
    checker.source_references(checked)
    texts: dict[str, str] = {}
    for file, doc in documents:
        if isinstance(doc, dict):
            checker.relations(file, doc)
            checker.claims(file, doc, texts)
    if checker.errors:
        raise SeedInvalid(checker.errors)
    return checker.plan
