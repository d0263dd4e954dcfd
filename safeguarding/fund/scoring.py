"""Weighted scoring of grant applications. Scores are whole numbers 0 to 5 and weights
whole per cents adding to 100, so the weighted total is exact to two decimal places:

    weighted total = sum(score x weight) / 100      (0.00 to 5.00)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from safeguarding.fund.models import SCORE_MAX, Criterion

HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class Scored:
    total: Decimal
    working: list[dict[str, Any]]


def weighted_total(scores: Mapping[str, int], weights: Mapping[str, int]) -> Scored:
    if set(scores) != set(Criterion.values) or set(weights) != set(Criterion.values):
        raise ValueError("a score and a weight for every criterion")
    if sum(weights.values()) != 100:
        raise ValueError("weights must add up to 100")
    if any(not 0 <= score <= SCORE_MAX for score in scores.values()):
        raise ValueError(f"scores run from 0 to {SCORE_MAX}")
    working = []
    points = 0
    for criterion in Criterion:
        score, weight = scores[criterion], weights[criterion]
        points += score * weight
        working.append(
            {
                "criterion": criterion.label,
                "score": score,
                "weight": weight,
                "weighted": str((Decimal(score * weight) / 100).quantize(HUNDREDTH)),
            }
        )
    return Scored((Decimal(points) / 100).quantize(HUNDREDTH), working)
