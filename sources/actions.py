"""Writes to source records that users see: grading and merging.

Same rules as verification.workflow.transitions: lock the rows, check the actor's
right, return early when nothing changes, write the change with an
append-only SourceEvent, and announce it only after commit. ``actor=None``
means the system (the seed loader, imports run by a management command).
"""

from collections import Counter
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from sources.models import ConflictParty, Reliability, Source, SourceAlias, SourceEvent, SourceGrade, SourceRelation
from sources.roles import require_permission
from sources.signals import source_graded
from sources.text import normalise_name


def _require(actor, perm: str, what: str) -> None:
    # actor=None is the system (the seed loader, a CSV import run by a command).
    if actor is not None:
        require_permission(actor, f"sources.{perm}", what, ask="an administrator")


# --- Grading ----------------------------------------------------------------


def grade_source(actor, source_id: int, grade: str, rationale: str) -> tuple[SourceGrade, bool]:
    """Append an Admiralty reliability grade to a source's history.

    1. Validate the grade and rationale, check the actor may grade.
    2. Lock the source; refuse merged records (grade the one they were merged into).
    3. Return (latest grade, False) if it already says the same with the same reason.
    4. Add the SourceGrade row, update the cached ``reliability``, add a GRADED event.
    5. Send ``source_graded`` inside the transaction (the webhook outbox listens).
    Returns (grade row, created).
    """
    rationale = (rationale or "").strip()
    errors = {}
    if grade not in Reliability.values:
        errors["grade"] = [
            gettext("'%(grade)s' is not an Admiralty grade; use one of %(reliability_values)s.")
            % {"grade": grade, "reliability_values": ", ".join(Reliability.values)}
        ]
    if not rationale:
        errors["rationale"] = [gettext("Say why: the rationale is what the next grader reads.")]
    if errors:
        raise ValidationError(errors)
    _require(actor, "grade_source", "grade sources")
    with transaction.atomic():
        source = _lock_sources([source_id])[source_id]
        if source.merged_into_id:
            raise ValidationError(
                {
                    "source": [
                        gettext("%(source)s was merged into record %(source_merged_into_id)s; grade that one.")
                        % {"source": source, "source_merged_into_id": source.merged_into_id}
                    ]
                }
            )
        latest = source.grades.order_by("-graded_at", "-id").first()
        if latest is not None and latest.grade == grade and latest.rationale.strip() == rationale:
            return latest, False
        previous = source.reliability or None
        row = SourceGrade.objects.create(source=source, grade=grade, rationale=rationale, graded_by=actor)
        source.reliability = grade
        source.save(update_fields=["reliability", "updated_at"])
        SourceEvent.objects.create(
            source=source,
            kind=SourceEvent.Kind.GRADED,
            actor=actor,
            note=rationale,
            data={"from": previous, "to": grade, "grade_id": row.pk},
        )
        source_graded.send(sender=Source, source=source, grade=row, previous=previous, actor=actor)
    return row, True


def _lock_sources(ids) -> dict[int, Source]:
    """Lock in id order, so two merges touching the same records cannot deadlock."""
    found = {s.pk: s for s in Source.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    missing = sorted(set(ids) - set(found))
    if missing:
        raise ValidationError(
            {"source": [gettext("No source record with id %(str)s.") % {"str": ", ".join(map(str, missing))}]}
        )
    return found


# --- Merging ----------------------------------------------------------------

MoveRelated = Callable[[Source, Source], dict]


def merge_sources(
    actor, keep_id: int, merge_ids, note: str = "", *, move_related: MoveRelated | None = None
) -> tuple[Source, dict]:
    """Fold duplicate records into the one to keep.

    1. Check the right to merge; lock every record involved; refuse records
       that are already merged.
    2. Per duplicate: move attributions (merging a duplicate that would break
       "one role per source per claim"), aliases (plus its own name as an
       alias), grades, evidence it provided, appearances, child records,
       relations and conflict parties; point it at the kept record. Rows of
       other apps that name a source (claims' attributions, evidence) are
       moved by ``move_related(keep, duplicate)``, which returns its counts:
       verification.workflow.source_merge passes its own.
    3. Re-cache the kept record's grade from the combined history.
    4. Add a MERGED event on every record, with what moved.
    Returns (kept record, counts summed over the duplicates).
    """
    _require(actor, "merge_source", "merge source records")
    merge_ids = sorted({int(i) for i in merge_ids} - {int(keep_id)})
    if not merge_ids:
        raise ValidationError(
            {"merge_ids": [gettext("Choose at least one other record to merge into the one you keep.")]}
        )
    with transaction.atomic():
        sources = _lock_sources([keep_id, *merge_ids])
        keep = sources[keep_id]
        already = [s for s in sources.values() if s.merged_into_id]
        if already:
            names = ", ".join(f"{s} (into {s.merged_into_id})" for s in already)
            raise ValidationError(
                {
                    "merge_ids": [
                        gettext("Already merged: %(names)s. Merge into the live record instead.") % {"names": names}
                    ]
                }
            )
        total = Counter()
        for merged_id in merge_ids:
            merged = sources[merged_id]
            counts = _fold(keep, merged, merge_ids)
            if move_related is not None:
                counts.update(move_related(keep, merged))
            total.update(counts)
            SourceEvent.objects.create(
                source=merged,
                kind=SourceEvent.Kind.MERGED,
                actor=actor,
                note=note,
                data={"into": keep.pk, "into_name": keep.name, "counts": counts},
            )
        _unparent_from_merged(keep, merge_ids)
        latest = keep.grades.order_by("-graded_at", "-id").first()
        keep.reliability = latest.grade if latest else ""
        keep.save(update_fields=["reliability", "parent", "updated_at"])
        SourceEvent.objects.create(
            source=keep,
            kind=SourceEvent.Kind.MERGED,
            actor=actor,
            note=note,
            data={"merged": merge_ids, "merged_names": [sources[i].name for i in merge_ids], "counts": dict(total)},
        )
    return keep, dict(total)


def _fold(keep: Source, merged: Source, merge_ids: list[int]) -> dict:
    counts = {
        "aliases": _move_aliases(keep, merged),
        "grades": SourceGrade.objects.filter(source=merged).update(source=keep),
        "children": Source.objects.filter(parent=merged).exclude(pk__in=[keep.pk, *merge_ids]).update(parent=keep),
        "relations": _move_relations(keep, merged),
        "conflict_parties": _move_parties(keep, merged),
    }
    # Records merged into the duplicate earlier now point straight at the kept one.
    Source.objects.filter(merged_into=merged).update(merged_into=keep)
    merged.merged_into = keep
    merged.save(update_fields=["merged_into", "updated_at"])
    return counts


def _move_aliases(keep: Source, merged: Source) -> int:
    taken = set(keep.aliases.values_list("normalised", flat=True)) | {normalise_name(keep.name)}
    # The kept record's name per language wins; a moved one for the same language stays a spelling.
    languages = set(keep.aliases.exclude(language="").values_list("language", flat=True))
    moved = 0
    for alias in SourceAlias.objects.filter(source=merged):
        if alias.normalised in taken:
            alias.delete()
            continue
        alias.source = keep
        if alias.language in languages:
            alias.language = ""
        languages.add(alias.language)
        alias.save()
        taken.add(alias.normalised)
        moved += 1
    if normalise_name(merged.name) not in taken:
        SourceAlias.objects.create(source=keep, name=merged.name)
        moved += 1
    return moved


def _move_relations(keep: Source, merged: Source) -> int:
    moved = 0
    for relation in SourceRelation.objects.filter(from_source=merged) | SourceRelation.objects.filter(to_source=merged):
        from_id = keep.pk if relation.from_source_id == merged.pk else relation.from_source_id
        to_id = keep.pk if relation.to_source_id == merged.pk else relation.to_source_id
        exists = SourceRelation.objects.filter(from_source_id=from_id, to_source_id=to_id, kind=relation.kind)
        if from_id == to_id or exists.exclude(pk=relation.pk).exists():
            relation.delete()  # a relation with itself, or one the kept record already has
            continue
        relation.from_source_id, relation.to_source_id = from_id, to_id
        relation.save(update_fields=["from_source", "to_source"])
        moved += 1
    return moved


def _move_parties(keep: Source, merged: Source) -> int:
    kept_conflicts = set(keep.conflict_parties.values_list("conflict_id", flat=True))
    moved = 0
    for party in ConflictParty.objects.filter(source=merged):
        if party.conflict_id in kept_conflicts:
            party.delete()  # the kept record's side in that conflict stands
            continue
        party.source = keep
        party.save(update_fields=["source"])
        moved += 1
    return moved


def _unparent_from_merged(keep: Source, merge_ids: list[int]) -> None:
    """If the kept record's parent was one of the duplicates, climb to the
    first ancestor that is neither a duplicate nor the kept record."""
    node = keep.parent
    seen = set()
    while node is not None and (node.pk in merge_ids or node.pk == keep.pk) and node.pk not in seen:
        seen.add(node.pk)
        node = node.parent
    if node is not None and (node.pk in merge_ids or node.pk == keep.pk):
        node = None
    keep.parent = node
