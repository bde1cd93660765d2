"""Cursor pagination for lists: {"next", "previous", "results"}, page size capped.

A page_size outside 1..max_page_size and a cursor that is not one of ours are
400 with a field error: DRF would clamp the one and ignore or fail on the other.
"""

from base64 import b64decode
from urllib.parse import parse_qs

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

# Orderings a client may ask for; each is made total with the id as tie-break.
CLAIM_ORDERINGS = ("-created_at", "created_at", "-updated_at", "updated_at", "-priority", "priority", "-id", "id")


class CappedCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    orderings: tuple[str, ...] = ("-id", "id")
    invalid_cursor = "This cursor is not valid: use the next or previous link as given."

    def paginate_queryset(self, queryset, request, view=None):
        self.model = queryset.model  # decode_cursor checks the cursor's position against its field
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":  # as the filters treat an empty value
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        gettext("Use a whole number from 1 to %(max_page_size)s.")
                        % {"max_page_size": self.max_page_size}
                    ]
                }
            )
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {**parameter["schema"], "minimum": 1, "maximum": self.max_page_size}
        return parameters

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get("ordering") or self.orderings[0]
        if raw not in self.orderings:
            raise ValidationError(
                {"ordering": [gettext("Order by one of %(orderings)s.") % {"orderings": ", ".join(self.orderings)}]}
            )
        if raw.lstrip("-") == "id":
            return (raw,)
        return (raw, "-id" if raw.startswith("-") else "id")

    def decode_cursor(self, request):
        """DRF's decoding, stricter: DRF skips characters that are not base64
        (so "!!!" read as the first page) and puts the position into a filter
        on the ordering's field, where a value of the wrong type was a 500."""
        encoded = request.query_params.get(self.cursor_query_param)
        try:
            if encoded and not _our_tokens(encoded):
                raise NotFound()
            cursor = super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor]}) from None
        if cursor is not None and cursor.position is not None and not self._fits(cursor.position):
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor]})
        return cursor

    def _fits(self, position: str) -> bool:
        """Whether the position is a value of the ordering's field that the database can compare."""
        field = self.model._meta.get_field(self.ordering[0].lstrip("-"))
        try:
            value = field.to_python(position)
        except (DjangoValidationError, ValueError, TypeError):
            return False
        if isinstance(value, int):
            low, high = connection.ops.integer_field_range(field.get_internal_type())
            return (low is None or low <= value) and (high is None or value <= high)
        return "\x00" not in position  # PostgreSQL text cannot hold NUL


def _our_tokens(encoded: str) -> bool:
    """Whether ``encoded`` is strict base64 of a query string with only the
    keys DRF's encode_cursor writes: o (offset), r (reverse), p (position)."""
    try:
        text = b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
    except ValueError:  # binascii.Error and the Unicode errors are ValueErrors
        return False
    return set(parse_qs(text, keep_blank_values=True)) <= {"o", "r", "p"}


class ClaimPagination(CappedCursorPagination):
    orderings = CLAIM_ORDERINGS


def ordering_parameter(orderings) -> OpenApiParameter:
    # A pattern, not an enum: "-created_at" is no lower_snake_case enum value.
    fields = sorted({o.lstrip("-") for o in orderings})
    return OpenApiParameter(
        "ordering",
        OpenApiTypes.STR,
        pattern=f"^-?({'|'.join(fields)})$",
        description=gettext("Sort order, a leading '-' for descending: %(orderings)s. Default %(value)s.")
        % {"orderings": ", ".join(orderings), "value": orderings[0]},
    )
