"""What the API keeps of its own: the Idempotency-Key of each request that recorded a
concern, so that a client retrying a POST whose answer it never saw gets that answer again
rather than a second concern. Only ids are kept, never the request's personal data."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class IdempotentRequest(models.Model):
    """One Idempotency-Key a system account sent, the digest of the request it came with,
    and the concern that request recorded."""

    user = models.ForeignKey(
        "access.User", on_delete=models.PROTECT, related_name="idempotent_requests"
    )
    key = models.CharField(max_length=255)
    request_digest = models.CharField(max_length=64)
    concern_id = models.UUIDField()
    status = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            # A retry racing the first attempt waits on this, then is answered as a replay.
            models.UniqueConstraint(fields=("user", "key"), name="one_request_per_key"),
        )

    def __str__(self) -> str:
        return f"{self.key} -> {self.concern_id}"
