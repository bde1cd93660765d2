"""GET /export/claims.csv and /export/claims.json: every claim matching the
list filters, streamed in chunks so memory stays flat however many there are.

Only what a read key may see, for every caller: the columns are the "export"
list of verification/api/visibility.py (text, status, published verdict,
sources), never notes, drafts or the desk's triage numbers.
CSV cells that a spreadsheet would run as a formula (starting with = + - @
or a tab/CR) get a leading apostrophe: claim texts come from the news.
"""

import csv
import json

from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema

from verification.api.base import ApiView
from verification.api.filters import FILTER_PARAMETERS, filter_claims
from verification.api.visibility import PUBLIC_FIELDS
from verification.models import Attribution, Claim
from verification.status import public_url, rfc3339

CHUNK = 500
FIELDS = list(PUBLIC_FIELDS["export"])
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_queryset(params):
    queryset = Claim.objects.order_by("id").prefetch_related(
        "tags", Prefetch("attributions", queryset=Attribution.objects.select_related("source"))
    )
    return filter_claims(queryset, params)


def export_row(claim) -> dict:
    return {
        "id": claim.id,
        "text": claim.text,
        "language": claim.language,
        "state": claim.state,
        "verdict": claim.verdict or None,
        "confidence": claim.confidence,
        "credibility": claim.credibility,
        "tags": sorted(t.name for t in claim.tags.all()),
        "sources": [{"id": a.source.id, "name": a.source.name, "role": a.role} for a in claim.attributions.all()],
        "first_made_at": rfc3339(claim.first_made_at),
        "published_at": rfc3339(claim.published_at),
        "first_published_at": rfc3339(claim.first_published_at),
        "created_at": rfc3339(claim.created_at),
        "updated_at": rfc3339(claim.updated_at),
        "url": public_url(claim.id),
    }


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(f"{v['name']} ({v['role']})" if isinstance(v, dict) else str(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


class _Echo:
    def write(self, value):
        return value


def csv_lines(queryset):
    writer = csv.writer(_Echo())
    yield writer.writerow(FIELDS)
    for claim in queryset.iterator(chunk_size=CHUNK):
        row = export_row(claim)
        yield writer.writerow([_cell(row[f]) for f in FIELDS])


def json_chunks(queryset):
    yield "["
    first = True
    for claim in queryset.iterator(chunk_size=CHUNK):
        yield ("\n" if first else ",\n") + json.dumps(export_row(claim), ensure_ascii=False)
        first = False
    yield "\n]\n"


def _streamed(chunks, content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ExportCsvView(ApiView):
    @extend_schema(
        operation_id="export_claims_csv",
        parameters=FILTER_PARAMETERS,
        summary="All matching claims as CSV",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="Streamed CSV, one claim a row.")},
    )
    def get(self, request):
        queryset = export_queryset(request.query_params)  # bad filters answer 400 before streaming starts
        return _streamed(csv_lines(queryset), "text/csv; charset=utf-8", "claims.csv")


class ExportJsonView(ApiView):
    @extend_schema(
        operation_id="export_claims_json",
        parameters=FILTER_PARAMETERS,
        summary="All matching claims as JSON",
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.ANY,
                description="Streamed JSON array of claims (id, text, state, verdict, …).",
            )
        },
    )
    def get(self, request):
        queryset = export_queryset(request.query_params)
        return _streamed(json_chunks(queryset), "application/json", "claims.json")
