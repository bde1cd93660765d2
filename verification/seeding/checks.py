"""Checking seed files before anything is written.

1. SeedIndex reads what all the files define (source and conflict names,
   parents, claim texts) and the live records in the database, so a file may
   refer to a source defined in another.
2. Each file is checked by SeedFileSerializer (serializers.py).
3. Every problem becomes a SeedError naming the file, the item (section,
   index and name) and the field, and all of them are reported at once, so
   one run shows everything to fix.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from rest_framework.settings import api_settings

from sources.models import Conflict, Source
from verification.seeding.serializers import SeedFileSerializer, objects, written

# The field whose value names an item in messages, per section.
NAMED_BY = {"conflicts": "name", "sources": "name", "claims": "text"}


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
class SeedIndex:
    """What the seed files may refer to. The first definition of a name wins;
    the serializers report any later one."""

    sources: dict[str, tuple[str, int]] = field(default_factory=dict)  # name -> (file, index) defining it
    parents: dict[str, str] = field(default_factory=dict)
    claims: dict[str, tuple[str, int]] = field(default_factory=dict)  # text -> (file, index)
    conflicts: set[str] = field(default_factory=set)
    live: Counter = field(default_factory=Counter)  # names of live records in the database

    @classmethod
    def read(cls, documents: list[tuple[str, object]]) -> "SeedIndex":
        index = cls(conflicts=set(Conflict.objects.values_list("name", flat=True)))
        index.live.update(Source.objects.filter(merged_into__isnull=True).values_list("name", flat=True))
        for file, doc in documents:
            if not isinstance(doc, Mapping):
                continue
            for position, item in _items(doc, "sources"):
                name = written(item.get("name"))
                index.sources.setdefault(name, (file, position))
                index.parents.setdefault(name, written(item.get("parent")))
            for position, item in _items(doc, "claims"):
                index.claims.setdefault(written(item.get("text")), (file, position))
            index.conflicts.update(written(item.get("name")) for _, item in _items(doc, "conflicts"))
        index.sources.pop("", None)  # an empty name is reported where it stands, and names nothing
        index.claims.pop("", None)
        index.conflicts.discard("")
        return index

    def source_problem(self, name: str) -> str:
        """Why ``name`` cannot be resolved to one source, or ""."""
        if name in self.sources:
            return ""
        count = self.live[name]
        if count == 0:
            return f"Unknown source '{name}': define it under \"sources\" or add it in the admin first."
        if count > 1:
            return f"{count} live records are named '{name}'; merge or rename them first."
        return ""

    def parent_loops(self, name: str) -> bool:
        seen, node = {name}, self.parents.get(name)
        while node:
            if node in seen:
                return True
            seen.add(node)
            node = self.parents.get(node)
        return False


def _items(doc: Mapping, section: str) -> list[tuple[int, Mapping]]:
    items = doc.get(section)
    return objects(items) if isinstance(items, list) else []


@dataclass
class SeedPlan:
    """The checked contents of every file, in file order; claims with where they came from."""

    conflicts: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    relations: list[dict] = field(default_factory=list)
    claims: list[tuple[str, dict]] = field(default_factory=list)  # ('file: claims[i] "text…"', claim)

    def add(self, file: str, data: dict) -> None:
        self.conflicts += data["conflicts"]
        self.sources += data["sources"]
        self.relations += data["relations"]
        self.claims += [(f"{file}: {_label('claims', i, c['text'])}", c) for i, c in enumerate(data["claims"])]

    def sources_parents_first(self) -> list[dict]:
        by_name, done, ordered = {s["name"]: s for s in self.sources}, set(), []

        def visit(item):
            if item["name"] in done:
                return
            done.add(item["name"])  # before recursing: the checks already refused cycles
            if item["parent"] in by_name:
                visit(by_name[item["parent"]])
            ordered.append(item)

        for item in self.sources:
            visit(item)
        return ordered


def check_documents(documents: list[tuple[str, object]]) -> SeedPlan:
    """Check everything; raise SeedInvalid with every error, else return the plan."""
    index = SeedIndex.read(documents)
    plan, errors = SeedPlan(), []
    for file, doc in documents:
        serializer = SeedFileSerializer(data=doc, context={"file": file, "index": index})
        if serializer.is_valid():
            plan.add(file, serializer.validated_data)
        else:
            errors += [_seed_error(file, doc, path, message) for path, message in _flatten(serializer.errors, ())]
    if errors:
        raise SeedInvalid(errors)
    return plan


def _flatten(detail, path: tuple):
    """(path, message) for each message in DRF's nested errors; list items are keyed by index."""
    if isinstance(detail, Mapping):
        for key, sub in detail.items():
            yield from _flatten(sub, path if key == api_settings.NON_FIELD_ERRORS_KEY else (*path, key))
    elif isinstance(detail, list):
        for sub in detail:
            yield from _flatten(sub, path)
    else:
        yield path, str(detail)


def _seed_error(file: str, doc, path: tuple, message: str) -> SeedError:
    """Path ("claims", 0, "attributions", 1, "role") becomes the item
    'claims[0] "A first group…"' and the field 'attributions[1].role'."""
    if len(path) < 2 or not isinstance(path[1], int):  # the file itself, or a whole section
        return SeedError(file, "", ".".join(map(str, path)), message)
    section, index, *rest = path
    item = doc[section][index]
    name = item.get(NAMED_BY.get(section, "")) if isinstance(item, Mapping) else ""
    field_path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in rest).lstrip(".")
    return SeedError(file, _label(section, index, name), field_path, message)


def _label(section: str, index: int, name) -> str:
    name = written(name)
    return f'{section}[{index}] "{name[:50]}{"…" if len(name) > 50 else ""}"' if name else f"{section}[{index}]"
