"""GET /sources and /sources/{id} (scope read); POST and PATCH (scope admin).

A source's reliability is graded, never set: a write may carry
``grade: {grade, rationale}``, which appends to the grade history through
sources.actions.grade_source (and announces ``source.graded``).
"""

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from sources.actions import grade_source
from sources.models import Source, SourceAlias, SourceEvent, SourceGrade, SourceKind, SourceRelation
from sources.text import normalise_name
from verification.api.auth import acting_user, require_perm
from verification.api.base import ApiView, not_found
from verification.api.errors import Problem
from verification.api.filters import contains_word
from verification.api.inputs import StrictInput
from verification.api.pagination import CappedCursorPagination, ordering_parameter
from verification.api.visibility import ScopedSerializer, context_for


class SourcePagination(CappedCursorPagination):
    orderings = ("name", "-name", "id", "-id")


class SourceSerializer(ScopedSerializer):
    visibility = "source"
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=SourceKind.choices)
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2, or empty.")
    homepage = serializers.CharField()
    # A letter, not an enum: Admiralty grades are written A–F everywhere.
    reliability = serializers.SerializerMethodField(
        help_text="Latest Admiralty grade, a letter A–F; null if never graded."
    )
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    merged_into = serializers.IntegerField(
        source="merged_into_id", allow_null=True, help_text="Set when merged: use that record instead."
    )
    names = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            'The name readers of each language know it by, by BCP 47 tag, e.g. {"uk": "Кирило '
            'Буданов", "ru": "Кирилл Буданов"}; `name` is used for the others.'
        )
    )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reliability(self, source):
        return source.reliability or None

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_names(self, source):
        return {alias.language: alias.name for alias in source.aliases.all() if alias.language}


class GradeSerializer(ScopedSerializer):
    visibility = "grade"
    grade = serializers.CharField()
    rationale = serializers.CharField()
    graded_by = serializers.SerializerMethodField(help_text="Scope review: username. Absent for read keys.")
    graded_at = serializers.DateTimeField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_graded_by(self, grade):
        return grade.graded_by.username if grade.graded_by_id else None


class TrackRecordSerializer(ScopedSerializer):
    visibility = "track_record"
    mean = serializers.FloatField(allow_null=True, help_text="Estimated share of its stated claims found true.")
    interval_low = serializers.FloatField(allow_null=True)
    interval_high = serializers.FloatField(allow_null=True)
    effective_n = serializers.FloatField()
    count = serializers.IntegerField(help_text="Published verdicts on claims it stated.")
    by_topic = serializers.JSONField()
    computed_at = serializers.DateTimeField()


class RelatedSourceSerializer(ScopedSerializer):
    visibility = "related_source"
    id = serializers.IntegerField()
    name = serializers.CharField()


class RelationSerializer(ScopedSerializer):
    visibility = "relation"
    kind = serializers.ChoiceField(choices=SourceRelation.Kind.choices)
    direction = serializers.ChoiceField(choices=[("outgoing", "outgoing"), ("incoming", "incoming")])
    source = RelatedSourceSerializer(help_text="The other source.")


class PartySerializer(ScopedSerializer):
    visibility = "party"
    conflict = serializers.CharField(source="conflict.name")
    side = serializers.CharField()


class SourceDetailSerializer(SourceSerializer):
    visibility = "source_detail"
    aliases = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField(help_text="Scope review: internal notes. Absent for read keys.")
    ancestors = serializers.SerializerMethodField(help_text="Parent organisations, nearest first.")
    affiliations = serializers.SerializerMethodField(help_text="Speaks for, relays, affiliated with.")
    conflicts = PartySerializer(source="conflict_parties", many=True)
    grades = serializers.SerializerMethodField(help_text="Grade history, newest first.")
    track_record = serializers.SerializerMethodField(help_text="Null until computed.")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_aliases(self, source):
        return [alias.name for alias in source.aliases.all()]

    @extend_schema_field(serializers.CharField())
    def get_notes(self, source):
        return source.notes

    @extend_schema_field(RelatedSourceSerializer(many=True))
    def get_ancestors(self, source):
        return [{"id": s.pk, "name": s.name} for s in source.ancestors()]

    @extend_schema_field(RelationSerializer(many=True))
    def get_affiliations(self, source):
        out = [
            {"kind": r.kind, "direction": "outgoing", "source": {"id": r.to_source_id, "name": r.to_source.name}}
            for r in source.relations_out.all()
        ]
        out += [
            {"kind": r.kind, "direction": "incoming", "source": {"id": r.from_source_id, "name": r.from_source.name}}
            for r in source.relations_in.all()
        ]
        return out

    @extend_schema_field(GradeSerializer(many=True))
    def get_grades(self, source):
        return GradeSerializer(source.grades.all(), many=True, context=self.context).data

    @extend_schema_field(TrackRecordSerializer(allow_null=True))
    def get_track_record(self, source):
        record = getattr(source, "track_record", None)
        return TrackRecordSerializer(record, context=self.context).data if record is not None else None


# --- Input ------------------------------------------------------------------


class GradeInputSerializer(StrictInput, serializers.Serializer):
    grade = serializers.RegexField(
        r"^[A-F]$", help_text="Admiralty reliability: A completely reliable … F cannot be judged."
    )
    rationale = serializers.CharField(max_length=5000)


class SourceInputSerializer(StrictInput, serializers.Serializer):
    name = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=SourceKind.choices, required=False, default=SourceKind.OTHER)
    country = serializers.RegexField(
        r"^([A-Z]{2})?$",
        required=False,
        allow_blank=True,
        default="",
        help_text="ISO 3166-1 alpha-2, upper case, e.g. UA.",
    )
    homepage = serializers.URLField(required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.all(), required=False, allow_null=True, default=None
    )
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=300),
        required=False,
        max_length=50,
        help_text="Replaces the aliases when sent.",
    )
    grade = GradeInputSerializer(required=False, help_text="Appends a grade to the history.")

    def validate_parent(self, parent):
        source = self.context.get("source")
        if parent is not None and source is not None:
            if parent.pk == source.pk or source.pk in {a.pk for a in parent.ancestors()}:
                raise serializers.ValidationError(gettext("That parent would make the organisation chart a loop."))
        if parent is not None and parent.merged_into_id:
            raise serializers.ValidationError(
                gettext("Source %(parent_pk)s was merged into %(parent_merged_into_id)s; use that one.")
                % {"parent_pk": parent.pk, "parent_merged_into_id": parent.merged_into_id}
            )
        return parent

    def validate(self, data):
        """Live records are unique by name and country (a database constraint):
        say which record exists rather than fail on the constraint. A clash with
        a record that exists is a conflict (409), not a malformed request."""
        source = self.context.get("source")
        name = data.get("name", source.name if source else None)
        country = data.get("country", source.country if source else "")
        clash = Source.objects.filter(name=name, country=country, merged_into__isnull=True)
        if source is not None:
            clash = clash.exclude(pk=source.pk)
        existing = clash.values_list("pk", flat=True).first()
        if existing is not None:
            raise Problem(
                409,
                gettext("Source %(existing)s already has this name and country: use it, or tell them apart by country.")
                % {"existing": existing},
                code="duplicate_source",
                title=gettext("A source with this name exists"),
                existing_id=existing,
            )
        return data


def detail_queryset():
    return Source.objects.select_related("parent", "track_record").prefetch_related(
        "aliases",
        Prefetch("grades", queryset=SourceGrade.objects.select_related("graded_by")),
        Prefetch("relations_out", queryset=SourceRelation.objects.select_related("to_source")),
        Prefetch("relations_in", queryset=SourceRelation.objects.select_related("from_source")),
        "conflict_parties__conflict",
    )


def source_response(request, pk: int, status: int = 200) -> Response:
    source = detail_queryset().filter(pk=pk).first()
    if source is None:
        raise not_found(gettext("Source"), pk)
    return Response(SourceDetailSerializer(source, context=context_for(request)).data, status=status)


class SourceListView(ApiView):
    write_scope = "admin"
    problem_codes = (409,)  # a live source with this name and country exists
    pagination_class = SourcePagination

    @extend_schema(
        operation_id="sources_list",
        responses=SourceSerializer(many=True),
        summary="List sources",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Words in the name or an alias."),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=SourceKind.values),
            OpenApiParameter("country", OpenApiTypes.STR, description="ISO 3166-1 alpha-2."),
            ordering_parameter(SourcePagination.orderings),
        ],
    )
    def get(self, request):
        queryset = Source.objects.prefetch_related("aliases")
        params = request.query_params
        if params.get("kind"):
            if params["kind"] not in SourceKind.values:
                raise serializers.ValidationError(
                    {
                        "kind": [
                            gettext("Use one of %(sourcekind_values)s.")
                            % {"sourcekind_values": ", ".join(SourceKind.values)}
                        ]
                    }
                )
            queryset = queryset.filter(kind=params["kind"])
        if params.get("country"):
            queryset = queryset.filter(country=params["country"].upper())
        if params.get("q"):
            named = Source.objects.named(params["q"]).values("pk")
            queryset = queryset.filter(contains_word("name", params["q"].strip()) | Q(pk__in=named))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(SourceSerializer(page, many=True, context=context_for(request)).data)

    @extend_schema(
        operation_id="sources_create",
        request=SourceInputSerializer,
        responses={201: SourceDetailSerializer},
        summary="Add a source (admin)",
    )
    def post(self, request):
        require_perm(request, "sources.add_source", "add sources")
        serializer = SourceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        source = save_source(acting_user(request), None, serializer.validated_data)
        response = source_response(request, source.pk, status=201)
        response["Location"] = f"/api/v1/sources/{source.pk}"
        return response


class SourceDetailView(ApiView):
    write_scope = "admin"
    problem_codes = (409,)  # renamed like another live source

    @extend_schema(
        operation_id="sources_retrieve",
        responses=SourceDetailSerializer,
        summary="One source: grade history, track record, affiliations",
    )
    def get(self, request, pk: int):
        return source_response(request, pk)

    @extend_schema(
        operation_id="sources_partial_update",
        request=SourceInputSerializer(partial=True),
        responses=SourceDetailSerializer,
        summary="Edit a source (admin)",
    )
    def patch(self, request, pk: int):
        source = Source.objects.filter(pk=pk).first()
        if source is None:
            raise not_found(gettext("Source"), pk)
        require_perm(request, "sources.change_source", "edit sources")
        serializer = SourceInputSerializer(data=request.data, partial=True, context={"source": source})
        serializer.is_valid(raise_exception=True)
        save_source(acting_user(request), source, serializer.validated_data)
        return source_response(request, pk)


_PLAIN_FIELDS = ("name", "kind", "country", "homepage", "notes", "parent")


def save_source(actor, source: Source | None, data: dict) -> Source:
    """Create or update a source, its aliases and an event; grade it if asked.
    One transaction: a bad grade leaves no half-made record behind."""
    with transaction.atomic():
        changes = {name: data[name] for name in _PLAIN_FIELDS if name in data}
        if source is None:
            source = Source.objects.create(**changes)
            kind, event_data = SourceEvent.Kind.CREATED, {"name": source.name}
        else:
            for name, value in changes.items():
                setattr(source, name, value)
            source.save()
            kind = SourceEvent.Kind.EDITED
            event_data = {n: (v.pk if isinstance(v, Source) else v) for n, v in changes.items() if n != "notes"}
        if "aliases" in data:
            source.aliases.all().delete()
            for name in dict.fromkeys(a.strip() for a in data["aliases"] if a.strip()):
                SourceAlias.objects.get_or_create(
                    source=source, normalised=normalise_name(name), defaults={"name": name}
                )
            event_data["aliases"] = data["aliases"]
        SourceEvent.objects.create(source=source, kind=kind, actor=actor, data=event_data)
        if "grade" in data:
            grade_source(actor, source.pk, data["grade"]["grade"], data["grade"]["rationale"])
    return source
