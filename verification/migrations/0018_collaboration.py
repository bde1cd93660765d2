"""Collaboration on a claim (docs/collaboration.md): comments and their
append-only revisions, verification checklists and their append-only ticks,
and the new kinds of ClaimEvent and Notification they write."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("verification", "0017_suggestion_model"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="claimevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("edited", "Edited"),
                    ("taken", "Taken"),
                    ("released", "Released"),
                    ("extended", "Extended"),
                    ("expired", "Expired"),
                    ("reassigned", "Reassigned"),
                    ("assessed", "Assessed"),
                    ("published", "Published"),
                    ("returned", "Returned"),
                    ("reopened", "Reopened"),
                    ("escalated", "Escalated"),
                    ("priority", "Priority"),
                    ("evidence", "Evidence"),
                    ("correction_proposed", "Correction Proposed"),
                    ("corrected", "Corrected"),
                    ("correction_rejected", "Correction Rejected"),
                    ("correction_withdrawn", "Correction Withdrawn"),
                    ("commented", "Commented"),
                    ("comment_edited", "Edited a comment"),
                    ("checklist_ticked", "Ticked a checklist item"),
                    ("checklist_unticked", "Unticked a checklist item"),
                ],
                max_length=24,
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("assigned", "Assigned"),
                    ("returned", "Returned"),
                    ("escalated", "Escalated"),
                    ("reopened", "Reopened"),
                    ("published", "Published"),
                    ("integrity", "Integrity"),
                    ("mention", "Mention"),
                ],
                max_length=16,
            ),
        ),
        migrations.CreateModel(
            name="ChecklistTemplate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100)),
                (
                    "active",
                    models.BooleanField(
                        default=True,
                        help_text="Untick to retire the list: claims stop showing it, its ticks stay in their history.",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "tag",
                    models.ForeignKey(
                        blank=True,
                        help_text="Only claims with this tag get the list; empty means every claim.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="checklists",
                        to="verification.tag",
                    ),
                ),
            ],
            options={
                "ordering": ["name", "id"],
            },
        ),
        migrations.CreateModel(
            name="ChecklistItem",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "text",
                    models.CharField(help_text="What must be done, e.g. “Origin of the video traced”.", max_length=300),
                ),
                (
                    "required",
                    models.BooleanField(default=True, help_text="Sign-off warns (or refuses) while it is open."),
                ),
                ("order", models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")),
                (
                    "active",
                    models.BooleanField(
                        default=True, help_text="Untick to retire an item that was already ticked somewhere."
                    ),
                ),
                (
                    "template",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="verification.checklisttemplate",
                    ),
                ),
            ],
            options={
                "ordering": ["template", "order", "id"],
            },
        ),
        migrations.CreateModel(
            name="ChecklistTick",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("ticked", models.BooleanField(help_text="True for a tick, false for an untick.")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "actor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="checklist_ticks",
                        to="verification.claim",
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ticks",
                        to="verification.checklistitem",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="Comment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("body", models.TextField(help_text="Markdown source of the latest revision.")),
                (
                    "mentions",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="Usernames of desk users the latest revision mentions (and notified).",
                    ),
                ),
                (
                    "version",
                    models.PositiveIntegerField(default=1, help_text="The latest revision's number; edits carry it."),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "edited_at",
                    models.DateTimeField(
                        blank=True, help_text="When the latest revision replaced the text.", null=True
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="comments", to="verification.claim"
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="CommentRevision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField()),
                ("body", models.TextField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "comment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="revisions", to="verification.comment"
                    ),
                ),
            ],
            options={
                "ordering": ["comment", "number"],
            },
        ),
        migrations.AddConstraint(
            model_name="checklistitem",
            constraint=models.CheckConstraint(
                condition=models.Q(("text", ""), _negated=True), name="checklistitem_text_not_empty"
            ),
        ),
        migrations.AddIndex(
            model_name="checklisttick",
            index=models.Index(fields=["claim", "item", "-id"], name="checklisttick_claim_item_idx"),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["claim", "id"], name="comment_claim_idx"),
        ),
        migrations.AddConstraint(
            model_name="comment",
            constraint=models.CheckConstraint(
                condition=models.Q(("body", ""), _negated=True), name="comment_body_not_empty"
            ),
        ),
        migrations.AddConstraint(
            model_name="comment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("edited_at__isnull", True), ("version", 1)),
                    models.Q(("edited_at__isnull", False), ("version__gt", 1)),
                    _connector="OR",
                ),
                name="comment_edited_at_with_version",
            ),
        ),
        migrations.AddConstraint(
            model_name="commentrevision",
            constraint=models.UniqueConstraint(fields=("comment", "number"), name="comment_revision_unique_number"),
        ),
    ]
