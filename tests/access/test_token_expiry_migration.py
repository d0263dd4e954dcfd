"""Tokens issued before every token had to expire: the upgrade gives each an expiry 90 days
from the day it runs, keeps those that had one, and the database then refuses a token
without one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.each_database]

BEFORE = ("access", "0008_break_glass_reviews")
AFTER = ("access", "0010_api_token_expiry_required")


def _migrate(target: tuple[str, str]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor


@pytest.fixture(autouse=True)
def _latest_after() -> Iterator[None]:
    """Leave the database as every other test expects it: fully migrated."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_tokens_without_an_expiry_get_one_and_none_can_be_made_again() -> None:
    old = _migrate(BEFORE).loader.project_state([BEFORE]).apps
    agency = old.get_model("access", "Agency").objects.create(
        code="POL-OLD", name="Old force", kind="police-force"
    )
    user = old.get_model("access", "User").objects.create(
        username="old-system", role="system-integration", agency=agency
    )
    token = old.get_model("access", "ApiToken")
    kept_expiry = timezone.now() + timedelta(days=12)
    forever = token.objects.create(user=user, name="old", prefix="sgh_old", digest="a" * 64)
    dated = token.objects.create(
        user=user, name="dated", prefix="sgh_new", digest="b" * 64, expires_at=kept_expiry
    )
    assert forever.expires_at is None
    started = timezone.now()

    new = _migrate(AFTER).loader.project_state([AFTER]).apps
    token = new.get_model("access", "ApiToken")
    given = token.objects.get(pk=forever.pk).expires_at
    assert started + timedelta(days=90) <= given <= timezone.now() + timedelta(days=90)
    assert token.objects.get(pk=dated.pk).expires_at == kept_expiry
    with pytest.raises(IntegrityError), transaction.atomic():
        token.objects.filter(pk=dated.pk).update(expires_at=None)
