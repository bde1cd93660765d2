"""Collaboration on a claim: the desk's discussion (comments, their revisions)
and the verification checklists admins define and reviewers tick.

Only verification.workflow.discussion and verification.workflow.checklists
write these rows (docs/collaboration.md). Revisions and ticks are
append-only; a comment's ``body`` and ``version`` are a cache of its latest
revision, updated in the transaction that adds the revision.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

# The longest comment accepted (Markdown source, in characters): a few screens
# of text. Longer notes belong in evidence (a note item) or in docs of their own.
COMMENT_MAX_CHARS = 5000


class Comment(models.Model):
    """One message in a claim's discussion. Internal to the desk: never on the
    public page, in ClaimReview, in exports or in webhooks."""

    claim = models.ForeignKey(
        "verification.Claim", on_delete=models.CASCADE, related_name="comments", verbose_name=gettext_lazy("claim")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("author")
    )
    body = models.TextField(
        help_text=gettext_lazy("Markdown source of the latest revision."), verbose_name=gettext_lazy("body")
    )
    mentions = models.JSONField(
        default=list,
        blank=True,
        help_text=gettext_lazy("Usernames of desk users the latest revision mentions (and notified)."),
        verbose_name=gettext_lazy("mentions"),
    )
    version = models.PositiveIntegerField(
        default=1,
        help_text=gettext_lazy("The latest revision's number; edits carry it."),
        verbose_name=gettext_lazy("version"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    edited_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy("When the latest revision replaced the text."),
        verbose_name=gettext_lazy("edited at"),
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="comment_body_not_empty"),
            models.CheckConstraint(
                condition=Q(version=1, edited_at__isnull=True) | Q(version__gt=1, edited_at__isnull=False),
                name="comment_edited_at_with_version",
            ),
        ]
        indexes = [
            # the claim page's discussion and GET /claims/{id}/comments: one claim's comments by id
            models.Index(fields=["claim", "id"], name="comment_claim_idx"),
        ]
        verbose_name = gettext_lazy("comment")
        verbose_name_plural = gettext_lazy("comments")

    def __str__(self):
        return f"comment {self.pk} on claim {self.claim_id}"


class CommentRevision(models.Model):
    """Append-only: every text a comment ever had, the first one included."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="revisions", verbose_name=gettext_lazy("comment")
    )
    number = models.PositiveIntegerField(verbose_name=gettext_lazy("number"))
    body = models.TextField(verbose_name=gettext_lazy("body"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))

    class Meta:
        ordering = ["comment", "number"]
        constraints = [models.UniqueConstraint(fields=["comment", "number"], name="comment_revision_unique_number")]
        verbose_name = gettext_lazy("comment revision")
        verbose_name_plural = gettext_lazy("comment revisions")

    def __str__(self):
        return f"revision {self.number} of comment {self.comment_id}"


class ChecklistTemplate(models.Model):
    """A verification checklist: for every claim, or for the claims with one tag."""

    name = models.CharField(max_length=100, verbose_name=gettext_lazy("name"))
    tag = models.ForeignKey(
        "verification.Tag",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checklists",
        help_text=gettext_lazy("Only claims with this tag get the list; empty means every claim."),
        verbose_name=gettext_lazy("tag"),
    )
    active = models.BooleanField(
        default=True,
        help_text=gettext_lazy("Untick to retire the list: claims stop showing it, its ticks stay in their history."),
        verbose_name=gettext_lazy("active"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))

    class Meta:
        ordering = ["name", "id"]
        verbose_name = gettext_lazy("checklist template")
        verbose_name_plural = gettext_lazy("checklist templates")

    def __str__(self):
        return f"{self.name} ({self.tag.name if self.tag_id else 'all claims'})"


class ChecklistItem(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.CASCADE, related_name="items", verbose_name=gettext_lazy("template")
    )
    text = models.CharField(
        max_length=300,
        help_text=gettext_lazy("What must be done, e.g. “Origin of the video traced”."),
        verbose_name=gettext_lazy("text"),
    )
    required = models.BooleanField(
        default=True,
        help_text=gettext_lazy("Sign-off warns (or refuses) while it is open."),
        verbose_name=gettext_lazy("required"),
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text=gettext_lazy("Lower comes first."), verbose_name=gettext_lazy("order")
    )
    active = models.BooleanField(
        default=True,
        help_text=gettext_lazy("Untick to retire an item that was already ticked somewhere."),
        verbose_name=gettext_lazy("active"),
    )

    class Meta:
        ordering = ["template", "order", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="checklistitem_text_not_empty")]
        verbose_name = gettext_lazy("checklist item")
        verbose_name_plural = gettext_lazy("checklist items")

    def __str__(self):
        return self.text


class ChecklistTick(models.Model):
    """Append-only: one tick or untick of one item on one claim. The item's
    state on the claim is its latest row."""

    claim = models.ForeignKey(
        "verification.Claim",
        on_delete=models.CASCADE,
        related_name="checklist_ticks",
        verbose_name=gettext_lazy("claim"),
    )
    # PROTECT: an item someone ticked is retired (``active``), never deleted, so its history reads whole.
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="ticks", verbose_name=gettext_lazy("item")
    )
    ticked = models.BooleanField(
        help_text=gettext_lazy("True for a tick, false for an untick."), verbose_name=gettext_lazy("ticked")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("actor")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # the claim page's checklist and the sign-off check: one claim's ticks, latest per item
            models.Index(fields=["claim", "item", "-id"], name="checklisttick_claim_item_idx"),
        ]
        verbose_name = gettext_lazy("checklist tick")
        verbose_name_plural = gettext_lazy("checklist ticks")

    def __str__(self):
        return f"{'ticked' if self.ticked else 'unticked'} {self.item_id} on claim {self.claim_id}"
