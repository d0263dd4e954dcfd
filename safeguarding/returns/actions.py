"""Producing statutory returns: each production, preview or download is audited, naming
the return and how many children it holds (never who they are)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction

from safeguarding.access.models import Agency, User
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.returns.annex_a import AnnexA, build_annex_a
from safeguarding.returns.cin_census import CensusReturn, CollectionYear, build_cin_census
from safeguarding.returns.queries import may_produce_returns


def _check(actor: User | None, authority: Agency) -> None:
    """An operator at the command line (None) makes any authority's return; a member of
    staff only their own authority's, and only in a role that makes returns."""
    if actor is None:
        return
    if not may_produce_returns(actor) or actor.agency_id != authority.pk:
        raise PermissionDenied("Your role does not make this authority's returns")


def produce_cin_census(
    *, actor: User | None, authority: Agency, year: CollectionYear, preview: bool = False
) -> CensusReturn:
    """The authority's CIN census for ``year``; audited as produced (a file leaves the
    service) or previewed."""
    _check(actor, authority)
    with transaction.atomic():
        census = build_cin_census(authority, year)
        record(
            AuditVerb.RETURN_PREVIEWED
            if preview or not census.valid
            else AuditVerb.RETURN_PRODUCED,
            actor=actor,
            target_type=TargetType.STATUTORY_RETURN,
            target_id=f"cin-census:{authority.code}:{year.label}",
            legal_basis=LegalBasis.PUBLIC_TASK_SAFEGUARDING,
            payload={
                "return": "cin-census",
                "year": year.label,
                "children": census.children,
                "children_with_problems": len(census.problems),
            },
        )
    return census


def produce_annex_a(*, actor: User | None, authority: Agency, inspection_date: date) -> AnnexA:
    """Ofsted's Annex A lists for an inspection on ``inspection_date``; audited as
    produced, counting each list's rows."""
    _check(actor, authority)
    with transaction.atomic():
        annex = build_annex_a(authority, inspection_date)
        record(
            AuditVerb.RETURN_PRODUCED,
            actor=actor,
            target_type=TargetType.STATUTORY_RETURN,
            target_id=f"annex-a:{authority.code}:{inspection_date.isoformat()}",
            legal_basis=LegalBasis.PUBLIC_TASK_SAFEGUARDING,
            payload={
                "return": "annex-a",
                "inspection_date": inspection_date.isoformat(),
                "rows": {name: len(rows) for name, rows in annex.rows.items() if rows},
            },
        )
    return annex
