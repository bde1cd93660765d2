"""Input serializers for seed files (seeds/*.json), one per kind of object.

Each checks its object's fields (fields.py) and what can be judged from the
object alone in ``validate_<field>`` / ``validate``. What needs the other
items of a list (a duplicate, a relay of an earlier attribution, a parent
chain that loops) is in ``check_siblings``, which SeedList runs on the items
as written, so it is reported in the same run as the items' own errors. The
context holds the file's name and the SeedIndex of everything the files define.

The loader writes only what these return, so a field added here must be
written there (loader.py) and described in its docstring.
"""

import re
from collections.abc import Mapping

from rest_framework import serializers
from rest_framework.settings import api_settings

from sources.models import Reliability, SourceKind, SourceRelation
from sources.text import LANGUAGE_TAG, normalise_name
from verification.models import AttributionRole, Evidence, Verdict
from verification.seeding.fields import (
    Choice,
    ConflictRef,
    Fraction,
    Moment,
    NullMeansAbsent,
    SourceRef,
    Text,
    TextList,
    Url,
    WholeNumber,
)
from verification.urlnorm import normalise_url


def written(value) -> str:
    """A value as written, for comparing items that may not have passed their own checks."""
    return value.strip() if isinstance(value, str) else ""


def objects(items) -> list[tuple[int, Mapping]]:
    return [(index, item) for index, item in enumerate(items) if isinstance(item, Mapping)]


class SeedList(NullMeansAbsent, serializers.ListSerializer):
    """A list of seed objects: each item's errors, plus the child's
    ``check_siblings`` on the items as written; all reported together."""

    default_error_messages = {"not_a_list": "Must be a list.", "required": "Required."}

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list")
        validated, errors = [], {}
        for index, item in enumerate(data):
            try:
                validated.append(self.child.run_validation(item))
            except serializers.ValidationError as exc:
                errors[index] = exc.detail
        for index, problems in self.child.check_siblings(data).items():
            detail = errors.setdefault(index, {})
            for name, message in problems.items():
                detail.setdefault(name, []).append(message)
        if errors:
            raise serializers.ValidationError(errors)
        return validated


class SeedObject(NullMeansAbsent, serializers.Serializer):
    """One object of a seed file. Unknown fields are refused: a misspelt
    optional field would otherwise vanish without a word."""

    unknown = "field"
    default_error_messages = {"invalid": "Expected an object with named fields.", "required": "Required."}

    @classmethod
    def many_init(cls, *args, **kwargs):
        # DRF would give the child the list's required/default too, turning a null item into [].
        return SeedList(*args, child=cls(), **kwargs)

    def validate_empty_values(self, data):
        if data is None and not self.field_name:  # a whole file or a list item: null is no object, not "not given"
            raise serializers.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [self.error_messages["invalid"].format(datatype="null")]}
            )
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, Mapping):
            allowed = ", ".join(self.fields)
            unknown = {key: [f"Unknown {self.unknown}; use {allowed}."] for key in data if key not in self.fields}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({**exc.detail, **unknown}) from None
        if unknown:
            raise serializers.ValidationError(unknown)
        return value

    def check_siblings(self, items: list) -> dict[int, dict[str, str]]:
        """{index: {field: message}} for problems between the items of one list."""
        return {}


class ConflictSerializer(SeedObject):
    name = Text(max_length=200)
    description = Text(required=False)


class PartySerializer(SeedObject):
    default_error_messages = {"invalid": 'Expected {{"conflict": name, "side": who they fight for}}.'}

    conflict = ConflictRef(max_length=200)
    side = Text(max_length=100, help_text="Who they fight for, e.g. Ukraine.")

    def check_siblings(self, items):
        seen, problems = set(), {}
        for index, item in objects(items):
            conflict = written(item.get("conflict"))
            if conflict in seen:
                problems[index] = {"conflict": f"A source has one side per conflict; '{conflict}' is already given."}
            seen.add(conflict)
        return problems


class GradeSerializer(SeedObject):
    grade = Choice(
        Reliability.values,
        error_messages={"invalid_choice": "'{input}' is not an Admiralty grade; use one of {choices}."},
    )
    rationale = Text()


class SourceSerializer(SeedObject):
    name = Text(max_length=300)
    kind = Choice(SourceKind.values)
    country = Text(required=False)
    parent = SourceRef(required=False)
    homepage = Url(max_length=200, required=False)
    aliases = TextList(max_length=300)
    names = serializers.DictField(
        child=serializers.CharField(max_length=300),
        required=False,
        default=dict,
        help_text="The name readers of each language know it by, by BCP 47 tag: {'uk': 'Кирило Буданов'}.",
    )
    parties = PartySerializer(many=True, required=False, default=list)
    grade = GradeSerializer(required=False, default=None)
    notes = Text(required=False)

    def validate_country(self, value):
        value = value.upper()
        if value and not (len(value) == 2 and value.isalpha() and value.isascii()):
            raise serializers.ValidationError(f"'{value}' is not a two-letter ISO country code (e.g. UA, US).")
        return value

    def validate_names(self, value):
        bad = sorted(tag for tag in value if not re.fullmatch(LANGUAGE_TAG, tag))
        if bad:
            raise serializers.ValidationError(f"'{bad[0]}' is not a language tag: use uk, ru, en …")
        return {tag.lower(): name.strip() for tag, name in value.items()}

    def validate_aliases(self, value):
        normalised = [normalise_name(alias) for alias in value]
        twice = sorted({n for n in normalised if normalised.count(n) > 1})
        if twice:
            raise serializers.ValidationError(f"Two aliases normalise to the same spelling '{twice[0]}'; keep one.")
        return value

    def check_siblings(self, items):
        """A name defined twice (in any file), and a parent chain that loops."""
        file, index = self.context["file"], self.context["index"]
        problems = {}
        for position, item in objects(items):
            name = written(item.get("name"))
            first = index.sources.get(name)
            if name and first != (file, position):
                problems[position] = {
                    "name": f"'{name}' is already defined at sources[{first[1]}] in {first[0]}; keep one."
                }
            elif name and index.parent_loops(name):
                problems[position] = {"parent": f"The parent chain from '{name}' loops back on itself."}
        return problems


class RelationSerializer(SeedObject):
    to = SourceRef()
    kind = Choice(SourceRelation.Kind.values)

    def get_fields(self):
        return {"from": SourceRef(), **super().get_fields()}  # "from" is a keyword, not an attribute name

    def validate(self, attrs):
        if attrs["from"] == attrs["to"]:
            raise serializers.ValidationError({"to": "A source cannot be related to itself."})
        return attrs


class AttributionSerializer(SeedObject):
    source = SourceRef()
    role = Choice(AttributionRole.values)
    quote = Text(required=False)
    relays = Text(required=False, help_text="A source attributed earlier in this claim, whose attribution this relays.")
    appeared_in = SourceRef(required=False)
    appeared_url = Url(required=False)
    appeared_at = Moment(required=False, default=None)

    def check_siblings(self, items):
        pairs, sources, problems = set(), set(), {}
        for index, item in objects(items):
            source, role, relays = (written(item.get(key)) for key in ("source", "role", "relays"))
            if (source, role) in pairs:
                problems.setdefault(index, {})["role"] = (
                    f"Duplicate attribution: '{source}' is already '{role}' on this claim; keep one."
                )
            if relays and relays not in sources:
                problems.setdefault(index, {})["relays"] = (
                    f"'{relays}' must be attributed earlier in this claim to be relayed."
                )
            pairs.add((source, role))
            sources.add(source)
        return problems


class AppearanceSerializer(SeedObject):
    url = Url()
    outlet = SourceRef(required=False)
    published_at = Moment(required=False, default=None)
    title = Text(max_length=500, required=False)

    def check_siblings(self, items):
        seen, problems = set(), {}
        for index, item in objects(items):
            try:
                url = normalise_url(written(item.get("url")))
            except ValueError:  # a malformed port; the item's own check explains it
                continue
            if url and url in seen:
                problems[index] = {"url": "This claim already has an appearance at that address; keep one."}
            seen.add(url)
        return problems


class EvidenceSerializer(SeedObject):
    kind = Choice(Evidence.Kind.values)
    title = Text(max_length=500)
    url = Url(required=False)
    provided_by = SourceRef(required=False)
    stance = Choice(Evidence.Stance.values, required=False, default=Evidence.Stance.CONTEXT)
    credibility = WholeNumber(1, 6, required=False, default=None)
    notes = Text(required=False)

    def validate(self, attrs):
        if not (attrs["url"] or attrs["notes"]):
            raise serializers.ValidationError(
                {"notes": "Give a URL or describe the item in the notes (seeds carry no files)."}
            )
        return attrs


class AssessmentSerializer(SeedObject):
    """Usernames are not checked here: with DEBUG off nobody is created, and the
    loader skips the assessment with a note (see loader._seed_assessment)."""

    reviewer = Text(max_length=150)
    signed_off_by = Text(max_length=150, required=False)
    verdict = Choice(Verdict.values)
    confidence = Fraction(0, 1)
    credibility = WholeNumber(1, 6, required=False, default=None)
    rationale = Text()

    def validate(self, attrs):
        if attrs["reviewer"] == attrs["signed_off_by"]:
            raise serializers.ValidationError({"signed_off_by": "Sign-off needs a second person, not the reviewer."})
        return attrs


class ClaimSerializer(SeedObject):
    text = Text()
    language = Text(max_length=16, required=False)
    first_made_at = Moment(required=False, default=None)
    priority = WholeNumber(0, 100, required=False, default=50)
    reach = WholeNumber(0, 2**31 - 1, required=False, default=0)
    tags = TextList(max_length=64)
    attributions = AttributionSerializer(many=True, required=False, default=list)
    appearances = AppearanceSerializer(many=True, required=False, default=list)
    evidence = EvidenceSerializer(many=True, required=False, default=list)
    assessment = AssessmentSerializer(required=False, default=None)

    def validate_language(self, value):
        return value or ""  # left out: create_claim detects it from the text

    def check_siblings(self, items):
        """The same claim twice, in any file: claims are matched by their text."""
        file, index = self.context["file"], self.context["index"]
        problems = {}
        for position, item in objects(items):
            text = written(item.get("text"))
            first = index.claims.get(text)
            if text and first != (file, position):
                problems[position] = {
                    "text": f"The same claim is already at claims[{first[1]}] in {first[0]}; keep one."
                }
        return problems


class SeedFileSerializer(SeedObject):
    """One seed file: a JSON object of sections."""

    unknown = "section"
    default_error_messages = {"invalid": "The file must hold one JSON object."}

    story = Text(required=False)
    conflicts = ConflictSerializer(many=True, required=False, default=list)
    sources = SourceSerializer(many=True, required=False, default=list)
    relations = RelationSerializer(many=True, required=False, default=list)
    claims = ClaimSerializer(many=True, required=False, default=list)
