"""Previews of stored evidence files, and a note for readers on each evidence item (issue 18, part 6)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("verification", "0018_collaboration"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="evidence",
            name="public_note",
            field=models.TextField(
                blank=True,
                help_text="For readers: shown on the public page once the claim is published. Notes stay internal.",
            ),
        ),
        migrations.AlterField(
            model_name="custodyevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("added", "Added"),
                    ("uploaded", "Uploaded"),
                    ("capture_requested", "Capture Requested"),
                    ("captured", "Captured"),
                    ("capture_failed", "Capture Failed"),
                    ("downloaded", "Downloaded"),
                    ("verified", "Verified"),
                    ("mismatch", "Mismatch"),
                    ("stance_changed", "Stance Changed"),
                    ("credibility_changed", "Credibility Changed"),
                    ("title_changed", "Title Changed"),
                    ("notes_changed", "Notes Changed"),
                    ("public_note_changed", "Public Note Changed"),
                    ("provided_by_changed", "Provided By Changed"),
                ],
                max_length=24,
            ),
        ),
        migrations.CreateModel(
            name="Preview",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("cover", "Cover (the one picture that stands for the file)")],
                        default="cover",
                        max_length=16,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("pending", "Being made"), ("ready", "Ready"), ("unavailable", "No preview")],
                        default="pending",
                        max_length=16,
                    ),
                ),
                (
                    "reason",
                    models.TextField(
                        blank=True, help_text="Why there is no preview: unsupported, damaged, over a limit."
                    ),
                ),
                (
                    "image",
                    models.FileField(blank=True, help_text="Large: the viewer's picture.", upload_to="previews/%Y/%m/"),
                ),
                (
                    "thumbnail",
                    models.FileField(blank=True, help_text="Small: the panel's picture.", upload_to="previews/%Y/%m/"),
                ),
                ("content_type", models.CharField(blank=True, max_length=32)),
                ("width", models.PositiveIntegerField(blank=True, null=True)),
                ("height", models.PositiveIntegerField(blank=True, null=True)),
                ("thumbnail_width", models.PositiveIntegerField(blank=True, null=True)),
                ("thumbnail_height", models.PositiveIntegerField(blank=True, null=True)),
                (
                    "frame_seconds",
                    models.FloatField(blank=True, help_text="For a video: when the frame shown is.", null=True),
                ),
                (
                    "generator",
                    models.CharField(blank=True, help_text="What made it: decoder and version.", max_length=100),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                (
                    "started_at",
                    models.DateTimeField(blank=True, help_text="When the latest attempt began.", null=True),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "stored_file",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="previews",
                        to="verification.storedfile",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("status", "pending")), fields=["created_at"], name="preview_pending_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("kind", "cover")),
                        fields=("stored_file", "kind"),
                        name="preview_one_cover_per_file",
                    )
                ],
            },
        ),
    ]
