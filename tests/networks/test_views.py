"""The network pages: who may open them, and need-to-know inside a network."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from safeguarding.access.models import User
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.sealing import readable_reason
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.networks.actions import rebuild_networks
from safeguarding.networks.models import Cluster, NetworkAlert
from tests.factories import Area
from tests.networks.conftest import Sighting, plant

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


@pytest.fixture
def network(area: Area) -> Cluster:
    """Amelia (seen by the school), Bethany (by the NHS) and Chloe (by the police), each
    with the school's, the NHS's and the police's own record of the adult, and his car."""
    plant(
        [
            Sighting(area.dsl, area.council),
            Sighting(area.health, area.council, vehicle="A812 CDE"),
            Sighting(area.police_analyst, area.council),
        ]
    )
    rebuild_networks()
    return Cluster.objects.get()


def test_police_analyst_sees_adults_identifiers_and_evidence_for_law_enforcement(
    area: Area, network: Cluster, client_for: ClientFor
) -> None:
    client = client_for(area.police_analyst)
    listing = client.get("/networks/")
    assert listing.status_code == 200
    assert f"/networks/{network.pk}/" in listing.content.decode()

    page = client.get(f"/networks/{network.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Chloe Marsh" in html  # recorded by the analyst's force
    # The force can act: the adult, as every agency recorded him, and his car.
    assert html.count("Darren Pike") >= 3
    assert "AB12 CDE" in html
    assert "Data Protection Act 2018, Part 3" in html
    # Who recorded each link, by name, even where a child is not named.
    assert f"recorded by {area.school.name}" in html
    assert f"recorded by {area.nhs.name}" in html
    # The children other agencies know stay under need-to-know.
    for hidden in ("Amelia", "Hartley", "Bethany", "Cole"):
        assert hidden not in html
    assert "A child known to a school" in html
    assert "A child known to an NHS body" in html
    assert "2 of the 7 people and things in this network are not named" in html
    # Only records the force may open are links to them.
    assert len(re.findall(r'href="/people/[0-9a-f-]+/"', html)) == 2

    entries = AuditEntry.objects.filter(verb=AuditVerb.NETWORK_VIEWED)
    assert {entry.legal_basis for entry in entries} == {LegalBasis.LAW_ENFORCEMENT}
    entry = entries.get(target_type=TargetType.NETWORK)
    assert entry.target_id == str(network.pk)
    assert len(entry.payload["people_shown"]) == 2  # Chloe and the police's adult record
    assert len(entry.payload["adults_for_law_enforcement"]) == 2  # the others' records of him
    # The car is on the force's own record of him: nothing more to show for it.
    assert entry.payload["identifiers_for_law_enforcement"] == 0
    assert entry.payload["withheld"] == 2


def test_police_see_the_shared_phone_only_others_recorded(
    area: Area, client_for: ClientFor
) -> None:
    plant(
        [
            Sighting(area.dsl, area.council, phones=["07700 900123"]),
            Sighting(area.health, area.council, phones=["07700 900123"]),
            Sighting(area.police_analyst, area.council),
        ]
    )
    rebuild_networks()
    network = Cluster.objects.get()
    page = client_for(area.police_analyst).get(f"/networks/{network.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "+447700900123" in html
    entry = AuditEntry.objects.filter(
        verb=AuditVerb.NETWORK_VIEWED,
        target_type=TargetType.NETWORK,
        actor_id=area.police_analyst.pk,
    ).get()
    assert entry.legal_basis == LegalBasis.LAW_ENFORCEMENT
    assert entry.payload["identifiers_for_law_enforcement"] == 1
    # The number itself stays out of the log.
    assert "900123" not in str(entry.payload)
    assert "900123" not in readable_reason(entry).text


def test_each_view_is_audited(area: Area, network: Cluster, client_for: ClientFor) -> None:
    client = client_for(area.police_analyst)
    for _ in range(3):
        client.get(f"/networks/{network.pk}/")
    assert (
        AuditEntry.objects.filter(
            verb=AuditVerb.NETWORK_VIEWED,
            target_type=TargetType.NETWORK,
            legal_basis=LegalBasis.LAW_ENFORCEMENT,
        ).count()
        == 3
    )


def test_the_authority_reads_under_the_safeguarding_basis(
    area: Area, network: Cluster, client_for: ClientFor
) -> None:
    client_for(area.manager).get(f"/networks/{network.pk}/")
    entry = AuditEntry.objects.get(verb=AuditVerb.NETWORK_VIEWED, target_type=TargetType.NETWORK)
    assert entry.legal_basis == LegalBasis.SAFEGUARDING_AND_LAW_ENFORCEMENT
    assert entry.payload["adults_for_law_enforcement"] == []


def test_mash_officer_sees_everyone_in_their_authoritys_concerns(
    area: Area, network: Cluster, client_for: ClientFor
) -> None:
    html = client_for(area.mash).get(f"/networks/{network.pk}/").content.decode()
    for name in ("Amelia Hartley", "Bethany Cole", "Chloe Marsh", "Darren Pike", "AB12 CDE"):
        assert name in html
    assert "are not named" not in html


def test_team_manager_at_the_authority_sees_what_its_mash_sees(
    area: Area, network: Cluster, client_for: ClientFor
) -> None:
    # The council's team manager triages and decides contacts at its MASH, so sees the
    # people named in the concerns sent there, as its triage officer does.
    page = client_for(area.manager).get(f"/networks/{network.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("Amelia Hartley", "Bethany Cole", "Chloe Marsh", "Darren Pike", "AB12 CDE"):
        assert name in html


def test_an_uninvolved_force_gets_404_and_an_empty_list(
    area: Area, network: Cluster, client_for: ClientFor
) -> None:
    client = client_for(area.other_police_analyst)
    assert str(network.pk) not in client.get("/networks/").content.decode()
    assert client.get(f"/networks/{network.pk}/").status_code == 404
    alert = NetworkAlert.objects.get()
    assert client.get(f"/networks/alerts/{alert.pk}/").status_code == 404


@pytest.mark.parametrize(
    "who", ["dsl", "health", "practitioner", "taskforce_analyst", "auditor", "admin"]
)
def test_other_roles_may_not_use_networks(
    area: Area, network: Cluster, client_for: ClientFor, who: str
) -> None:
    client = client_for(getattr(area, who))
    assert client.get("/networks/").status_code == 403
    assert client.get(f"/networks/{network.pk}/").status_code == 403


def test_the_alert_leads_to_its_network(
    area: Area, network: Cluster, client_for: ClientFor
) -> None:
    alert = NetworkAlert.objects.get()
    response = client_for(area.police_analyst).get(f"/networks/alerts/{alert.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/networks/{network.pk}/?alert={alert.pk}"


def test_the_graph_script_and_the_tables_are_served(
    area: Area, network: Cluster, client_for: ClientFor
) -> None:
    html = client_for(area.mash).get(f"/networks/{network.pk}/").content.decode()
    assert 'src="/static/networks/network-graph.mjs"' in html
    assert 'id="network-members"' in html
    assert html.count('data-source="') == 6  # three child-adult and three adult-car links
