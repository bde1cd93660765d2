"""A claim's discussion (verification.workflow.discussion): GET|POST /claims/{id}/comments.

Scope ``review`` for reading as well as writing: comments are the desk's
internal talk, so read keys get 403, as for drafts and corrections. Comments
are never in webhooks (docs/collaboration.md). Editing stays on the desk,
where its author sees the window and the earlier text.
"""

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from verification.api.auth import acting_user, require_perm
from verification.api.base import ApiView, not_found
from verification.api.inputs import StrictInput
from verification.api.pagination import CappedCursorPagination, ordering_parameter
from verification.models import Claim, Comment
from verification.models.collaboration import COMMENT_MAX_CHARS
from verification.workflow import discussion


class CommentPagination(CappedCursorPagination):
    orderings = ("id", "-id")  # a discussion reads oldest first


class CommentInput(StrictInput, serializers.Serializer):
    body = serializers.CharField(
        max_length=COMMENT_MAX_CHARS,
        help_text=gettext(
            "Markdown (CommonMark; raw HTML is shown as text), at most %(comment_max_chars)s "
            "characters. `@username` notifies that desk user."
        )
        % {"comment_max_chars": COMMENT_MAX_CHARS},
    )


class CommentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    claim = serializers.IntegerField(source="claim_id")
    author = serializers.CharField(source="author.username")
    body = serializers.CharField(help_text="The Markdown source of the latest revision.")
    html = serializers.SerializerMethodField(help_text="The body rendered and sanitised, as the desk shows it.")
    mentions = serializers.ListField(
        child=serializers.CharField(),
        help_text="Usernames of the desk users it mentions (each was notified).",
    )
    version = serializers.IntegerField(help_text="The revision number: 1 until its author edits it.")
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True, help_text="When its author last edited it; null if never.")

    @extend_schema_field(serializers.CharField())
    def get_html(self, comment) -> str:
        return discussion.render(comment.body, comment.mentions)


def _claim_or_404(pk: int) -> None:
    if not Claim.objects.filter(pk=pk).exists():
        raise not_found(gettext("Claim"), pk)


class CommentListView(ApiView):
    read_scope = "review"
    pagination_class = CommentPagination

    @extend_schema(
        operation_id="claims_comments_list",
        parameters=[ordering_parameter(CommentPagination.orderings)],
        responses=CommentOutput(many=True),
        summary="A claim's discussion, oldest first",
        description=(
            "Scope `review`. Cursor-paginated: follow `next`. Internal to the desk: never on the "
            "public page, in ClaimReview or in webhooks."
        ),
    )
    def get(self, request, pk: int):
        _claim_or_404(pk)
        queryset = Comment.objects.filter(claim_id=pk).select_related("author")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(CommentOutput(page, many=True).data)

    @extend_schema(
        operation_id="claims_comments_create",
        request=CommentInput,
        responses={201: CommentOutput},
        summary="Comment on a claim",
        description=(
            "Scope `review`, as a user who may comment (fact-checkers, editors, admins). Each "
            "`@username` of a desk user notifies them; other names stay text. Writes a `commented` "
            "event in the claim's history (and moves its version on)."
        ),
    )
    def post(self, request, pk: int):
        _claim_or_404(pk)
        require_perm(request, discussion.PERMISSION, "comment on claims")
        data = CommentInput(data=request.data)
        data.is_valid(raise_exception=True)
        comment = discussion.post_comment(acting_user(request), pk, data.validated_data["body"])
        comment = Comment.objects.select_related("author").get(pk=comment.pk)
        return Response(CommentOutput(comment).data, status=201)
