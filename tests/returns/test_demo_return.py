"""The demo authority's CIN census validates, whatever the seed and scale."""

from __future__ import annotations

import pytest

from safeguarding.access.models import Agency
from safeguarding.casework.models import Episode, ProtectionPlan
from safeguarding.demo.area import LOCAL_AUTHORITY
from safeguarding.demo.generator import build_demo
from safeguarding.returns.cin_census import CollectionYear, build_cin_census
from tests.returns.dfe import validate_cin

pytestmark = [pytest.mark.django_db]


@pytest.mark.parametrize(("seed", "scale"), [(7, 0.003), (41, 0.02)])
def test_the_demo_authoritys_return_passes_the_dfe_rules(seed: int, scale: float) -> None:
    build_demo(seed=seed, scale=scale, progress=False)
    authority = Agency.objects.get(code=LOCAL_AUTHORITY[0])
    assert Episode.objects.filter(authority=authority).exists()
    census = build_cin_census(authority, CollectionYear.parse("2025-26"))
    assert census.problems == []
    assert census.children > 0
    findings = validate_cin(census.xml)
    assert findings.crashed == []
    assert findings.errors == {}
    if scale >= 0.02:
        assert ProtectionPlan.objects.exists()
        assert b"<ChildProtectionPlans>" in census.xml
