"""De-identified figures about concerns, for roles that see aggregates only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from safeguarding.concerns.models import Concern, ConcernCategory
from safeguarding.govuk.statistics import suppress


@dataclass(frozen=True)
class AreaFigures:
    authority: str
    cells: list[str]
    total: str


def concerns_by_area_and_category(days: int = 365) -> tuple[list[str], list[AreaFigures]]:
    since = timezone.now() - timedelta(days=days)
    rows = (
        Concern.objects.filter(recorded_at__gte=since)
        .values("local_authority__name", "category")
        .annotate(count=Count("id"))
    )
    table: dict[str, dict[str, int]] = {}
    for row in rows:
        table.setdefault(row["local_authority__name"], {})[row["category"]] = row["count"]
    headings = [label for _, label in ConcernCategory.choices]
    areas = [
        AreaFigures(
            authority=name,
            cells=[suppress(counts.get(value, 0)) for value in ConcernCategory.values],
            total=suppress(sum(counts.values())),
        )
        for name, counts in sorted(table.items())
    ]
    return headings, areas
