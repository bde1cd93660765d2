"""CSV import and export of source records.

Columns: name, kind, parent, country, homepage, aliases (pipe-separated),
conflict, side (pipe-separated in step with conflict), reliability, notes.

Import checks the whole file before writing anything and reports every bad
row with its row number (the header is row 1, as in a spreadsheet), column and
reason; a file with any error imports nothing. A good file is written in one
transaction. Rows match existing live records by (name, country): a match is
updated, anything else is created, and a row that changes nothing writes nothing.
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext

from sources.actions import grade_source
from sources.models import Conflict, ConflictParty, Reliability, Source, SourceAlias, SourceEvent, SourceKind
from sources.text import normalise_name

COLUMNS = ["name", "kind", "parent", "country", "homepage", "aliases", "conflict", "side", "reliability", "notes"]
REQUIRED = {"name", "kind"}
MAX_BYTES = 5 * 1024 * 1024
SEP = "|"


# --- Export -----------------------------------------------------------------


def export_sources(queryset=None) -> str:
    """The records as CSV text (live records only: merged ones live on as aliases)."""
    queryset = (queryset if queryset is not None else Source.objects.all()).filter(merged_into__isnull=True)
    queryset = (
        queryset.select_related("parent")
        .prefetch_related("aliases", "conflict_parties__conflict")
        .order_by("name", "pk")
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for source in queryset:
        parties = sorted(source.conflict_parties.all(), key=lambda p: p.conflict.name)
        writer.writerow(
            [
                source.name,
                source.kind,
                source.parent.name if source.parent else "",
                source.country,
                source.homepage,
                SEP.join(sorted(a.name for a in source.aliases.all())),
                SEP.join(p.conflict.name for p in parties),
                SEP.join(p.side for p in parties),
                source.reliability,
                source.notes,
            ]
        )
    return out.getvalue()


# --- Import -----------------------------------------------------------------


@dataclass
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self):
        return f"row {self.row}, {self.column or 'file'}: {self.reason}"


class CsvImportError(Exception):
    """The file had errors; nothing was imported. ``errors`` lists every one."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(f"{len(errors)} error(s); nothing was imported. " + "; ".join(map(str, errors[:5])))


@dataclass
class Row:
    number: int
    name: str
    kind: str
    parent: str
    country: str
    homepage: str
    aliases: list[str]
    parties: list[tuple[str, str]]
    reliability: str
    notes: str


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    graded: int = 0


def import_sources(actor, data: bytes | str, filename: str = "upload.csv") -> ImportResult:
    """1. Decode and parse; 2. check every row (collecting all errors);
    3. if there are none, write every row in one transaction, parents first."""
    rows, errors = _parse(data)
    errors += _check_references(actor, rows)
    if errors:
        raise CsvImportError(
            sorted(errors, key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else -1))
        )
    result = ImportResult()
    with transaction.atomic():
        by_name: dict[str, Source] = {}
        for row in _parents_first(rows):
            _write_row(actor, row, by_name, result, filename)
    return result


def _parse(data) -> tuple[list[Row], list[RowError]]:
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            return [], [
                RowError(
                    1,
                    "",
                    gettext("The file is larger than %(value)s MB; split it.") % {"value": MAX_BYTES // (1024 * 1024)},
                )
            ]
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return [], [
                RowError(
                    1,
                    "",
                    gettext("The file is not UTF-8 text (byte %(start)s); save it as CSV UTF-8.")
                    % {"start": exc.start},
                )
            ]
    reader = csv.reader(io.StringIO(data))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as exc:
        return [], [RowError(1, "", gettext("Not a readable CSV file: %(exc)s.") % {"exc": exc})]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        reason = "; ".join(
            filter(
                None,
                [
                    missing and f"missing column(s) {', '.join(missing)}",
                    unknown and f"unknown column(s) {', '.join(unknown)}",
                ],
            )
        )
        return [], [
            RowError(
                1,
                "",
                gettext("The header must be: %(columns)s (%(reason)s).")
                % {"columns": ",".join(COLUMNS), "reason": reason},
            )
        ]
    rows, errors, seen = [], [], {}
    try:
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue  # blank lines are harmless
            if len(values) != len(header):
                errors.append(
                    RowError(
                        number,
                        "",
                        gettext("Has %(count)s fields; the header has %(count2)s.")
                        % {"count": len(values), "count2": len(header)},
                    )
                )
                continue
            row = _check_row(number, dict(zip(header, (v.strip() for v in values))), errors)
            key = (row.name, row.country)
            if row.name and key in seen:
                errors.append(
                    RowError(
                        number, "name", f"'{row.name}' ({row.country or 'no country'}) is already on row {seen[key]}."
                    )
                )
            seen.setdefault(key, number)
            rows.append(row)
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "", gettext("Not readable as CSV: %(exc)s.") % {"exc": exc}))
    return rows, errors


def _check_row(number: int, raw: dict, errors: list[RowError]) -> Row:  # noqa: C901 - one check per column
    def bad(column, reason):
        errors.append(RowError(number, column, reason))

    if not raw["name"]:
        bad("name", gettext("A source needs a name."))
    elif len(raw["name"]) > 300:
        bad("name", gettext("Names are at most 300 characters."))
    if raw["kind"] not in SourceKind.values:
        bad(
            "kind",
            gettext("'%(value)s' is not a kind; use one of %(sourcekind_values)s.")
            % {"value": raw["kind"], "sourcekind_values": ", ".join(SourceKind.values)},
        )
    country = raw["country"].upper()
    if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
        bad(
            "country",
            gettext("'%(value)s' is not a two-letter ISO country code (e.g. UA, US).") % {"value": raw["country"]},
        )
    if len(raw["homepage"]) > 200:
        bad("homepage", gettext("Homepages are at most 200 characters."))
    elif raw["homepage"]:
        try:
            URLValidator(schemes=["http", "https"])(raw["homepage"])
        except ValidationError:
            bad("homepage", gettext("'%(value)s' is not an http(s) URL.") % {"value": raw["homepage"]})
    aliases = [a.strip() for a in raw["aliases"].split(SEP) if a.strip()]
    if any(len(a) > 300 for a in aliases):
        bad("aliases", gettext("Each alias is at most 300 characters."))
    conflicts = [c.strip() for c in raw["conflict"].split(SEP)] if raw["conflict"] else []
    sides = [s.strip() for s in raw["side"].split(SEP)] if raw["side"] else []
    if len(conflicts) != len(sides) or not all(conflicts) or not all(sides):
        bad("side", gettext("Give one side for each conflict, in the same order, separated by '|'."))
    if any(len(c) > 200 for c in conflicts) or any(len(s) > 100 for s in sides):
        bad("conflict", gettext("Conflict names are at most 200 characters, sides at most 100."))
    if raw["reliability"] and raw["reliability"].upper() not in Reliability.values:
        bad(
            "reliability",
            f"'{raw['reliability']}' is not an Admiralty grade; "
            f"use one of {', '.join(Reliability.values)} or leave it blank.",
        )
    if raw["parent"] and raw["parent"] == raw["name"]:
        bad("parent", gettext("A source cannot be its own parent."))
    return Row(
        number,
        raw["name"],
        raw["kind"],
        raw["parent"],
        country,
        raw["homepage"],
        aliases,
        list(zip(conflicts, sides)),
        raw["reliability"].upper(),
        raw["notes"],
    )


def _check_references(actor, rows: list[Row]) -> list[RowError]:
    """Parents must be in the file or already on record (and unambiguous);
    parent chains in the file must not loop; changing a grade needs the right."""
    errors = []
    in_file = Counter(row.name for row in rows)
    for row in rows:
        if in_file[row.parent] > 1:
            errors.append(
                RowError(
                    row.number,
                    "parent",
                    f"{in_file[row.parent]} rows are named '{row.parent}'; a parent must be unambiguous.",
                )
            )
        elif row.parent and row.parent not in in_file:
            count = Source.objects.filter(name=row.parent, merged_into__isnull=True).count()
            if count == 0:
                errors.append(
                    RowError(
                        row.number,
                        "parent",
                        gettext("No source named '%(row_parent)s' in this file or on record.")
                        % {"row_parent": row.parent},
                    )
                )
            elif count > 1:
                errors.append(
                    RowError(
                        row.number,
                        "parent",
                        gettext("%(count)s records are named '%(row_parent)s'; rename one first.")
                        % {"count": count, "row_parent": row.parent},
                    )
                )
        current = _existing(row)
        if row.reliability and (current is None or current.reliability != row.reliability):
            if actor is not None and not actor.has_perm("sources.grade_source"):
                errors.append(
                    RowError(
                        row.number,
                        "reliability",
                        gettext("You do not have the right to grade sources; leave it blank."),
                    )
                )
    parent_of = {row.name: row.parent for row in rows}
    for row in rows:
        seen, node = {row.name}, row.parent
        while node and node in parent_of:
            if node in seen:
                errors.append(
                    RowError(
                        row.number,
                        "parent",
                        gettext("The parent chain from '%(row_name)s' loops back on itself.") % {"row_name": row.name},
                    )
                )
                break
            seen.add(node)
            node = parent_of[node]
    return errors


def _existing(row: Row) -> Source | None:
    return Source.objects.filter(name=row.name, country=row.country, merged_into__isnull=True).first()


def _parents_first(rows: list[Row]) -> list[Row]:
    by_name = {row.name: row for row in rows}
    ordered, placed = [], set()

    def place(row, depth=0):
        if row.name in placed or depth > len(rows):
            return
        if row.parent in by_name:
            place(by_name[row.parent], depth + 1)
        placed.add(row.name)
        ordered.append(row)

    for row in rows:
        place(row)
    return ordered


def _write_row(actor, row: Row, by_name: dict, result: ImportResult, filename: str) -> None:
    parent = by_name.get(row.parent) if row.parent else None
    if row.parent and parent is None:
        parent = Source.objects.get(name=row.parent, merged_into__isnull=True)
    fields = {"kind": row.kind, "parent": parent, "homepage": row.homepage, "notes": row.notes}
    source = _existing(row)
    created = source is None
    changes = {}
    if created:
        source = Source.objects.create(name=row.name, country=row.country, **fields)
    else:
        changes = {
            k: {"from": _plain(getattr(source, k)), "to": _plain(v)}
            for k, v in fields.items()
            if getattr(source, k) != v
        }
        if changes:
            for name, value in fields.items():
                setattr(source, name, value)
            source.save()
    by_name[row.name] = source
    changes.update(_sync_aliases(source, row.aliases))
    changes.update(_sync_parties(source, row.parties))
    if created or changes:
        SourceEvent.objects.create(
            source=source,
            kind=SourceEvent.Kind.IMPORTED,
            actor=actor,
            note=f"{filename}, row {row.number}",
            data={"created": created, "changes": changes},
        )
    graded = bool(row.reliability) and row.reliability != source.reliability
    if graded:
        grade_source(actor, source.pk, row.reliability, f"Imported from {filename}, row {row.number}.")
        result.graded += 1
    if created:
        result.created.append(source.name)
    elif changes or graded:
        result.updated.append(source.name)
    else:
        result.unchanged += 1


def _plain(value):
    return value.pk if isinstance(value, Source) else value


def _sync_aliases(source: Source, aliases: list[str]) -> dict:
    """Add aliases the file names; never drop ones it omits (other people add aliases too)."""
    have = set(source.aliases.values_list("normalised", flat=True)) | {normalise_name(source.name)}
    added = []
    for name in aliases:
        if normalise_name(name) not in have:
            SourceAlias.objects.create(source=source, name=name)
            have.add(normalise_name(name))
            added.append(name)
    return {"aliases_added": added} if added else {}


def _sync_parties(source: Source, parties: list[tuple[str, str]]) -> dict:
    changed = {}
    for conflict_name, side in parties:
        conflict, _ = Conflict.objects.get_or_create(name=conflict_name)
        party, made = ConflictParty.objects.get_or_create(source=source, conflict=conflict, defaults={"side": side})
        if made or party.side != side:
            changed[conflict_name] = {"from": None if made else party.side, "to": side}
            if not made:
                party.side = side
                party.save(update_fields=["side"])
    return {"conflict_parties": changed} if changed else {}
