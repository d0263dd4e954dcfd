"""Agencies: reference data that systems need to name a local authority."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from safeguarding.access.models import Agency
from safeguarding.api.errors import responses
from safeguarding.api.schemas import AgencyOut

router = Router(tags=["Agencies"])

_list_responses, _list_docs = responses({200: (list[AgencyOut], "Every agency, by code")})


@router.get(
    "",
    response=_list_responses,
    openapi_extra=_list_docs,
    operation_id="list_agencies",
    summary="List agencies",
    description="Every agency on the hub, active or not, with the local authority whose MASH "
    "receives its concerns. Holds no personal data, so any valid token may read it. Use a "
    "local authority's code as `local_authority` when recording a concern.",
)
def list_agencies(request: HttpRequest) -> list[AgencyOut]:
    agencies = Agency.objects.select_related("home_authority").order_by("code")
    return [AgencyOut.from_agency(agency) for agency in agencies]
