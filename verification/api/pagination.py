"""Cursor pagination for lists: {"next", "previous", "results"}, page size capped."""

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

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get("ordering") or self.orderings[0]
        if raw not in self.orderings:
            raise ValidationError({"ordering": [f"Order by one of {', '.join(self.orderings)}."]})
        if raw.lstrip("-") == "id":
            return (raw,)
        return (raw, "-id" if raw.startswith("-") else "id")

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError(
                {"cursor": ["This cursor is not valid: use the next or previous link as given."]}
            ) from None


class ClaimPagination(CappedCursorPagination):
    orderings = CLAIM_ORDERINGS


def ordering_parameter(orderings) -> OpenApiParameter:
    # A pattern, not an enum: "-created_at" is no lower_snake_case enum value.
    fields = sorted({o.lstrip("-") for o in orderings})
    return OpenApiParameter(
        "ordering",
        OpenApiTypes.STR,
        pattern=f"^-?({'|'.join(fields)})$",
        description=f"Sort order, a leading '-' for descending: {', '.join(orderings)}. Default {orderings[0]}.",
    )
