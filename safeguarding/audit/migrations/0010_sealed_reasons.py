"""The keys of sealed reasons, outside the chain (decision 0016, audit/sealing.py).

A row per entry whose reason is sealed: its key, until an erasure destroys it and leaves a
redacted copy of the reason in its place. Not append-only, unlike the entries: destroying
a key is what erasure does.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0009_head_moves_forward_only"),
    ]

    operations = [
        migrations.CreateModel(
            name="SealedReason",
            fields=[
                ("sequence", models.PositiveBigIntegerField(primary_key=True, serialize=False)),
                ("key", models.BinaryField(blank=True, null=True)),
                ("redacted", models.TextField(blank=True)),
                ("redacted_at", models.DateTimeField(blank=True, null=True)),
                ("redacted_by", models.PositiveBigIntegerField(blank=True, null=True)),
            ],
            options={
                "ordering": ("sequence",),
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("key__isnull", False),
                                ("redacted_at__isnull", True),
                                ("redacted_by__isnull", True),
                            ),
                            models.Q(
                                ("key__isnull", True),
                                ("redacted_at__isnull", False),
                                ("redacted_by__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="sealed_reason_key_or_redaction",
                    )
                ],
            },
        ),
    ]
