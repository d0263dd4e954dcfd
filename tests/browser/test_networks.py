"""A police analyst opens a network from the list: the graph is drawn from the tables, each
node leads to its row, and the tables carry every member and link. axe checks each page
(see pages.Site.check), with the graph drawn."""

from __future__ import annotations

import pytest

from safeguarding.networks.actions import rebuild_networks
from tests.browser.pages import Site
from tests.factories import Area
from tests.networks.conftest import Sighting, plant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_police_analyst_explores_a_network(site: Site, area: Area) -> None:
    plant(
        [
            Sighting(area.dsl, area.council),
            Sighting(area.health, area.council, vehicle="A812 CDE"),
            Sighting(area.police_analyst, area.council),
        ]
    )
    rebuild_networks()
    site.sign_in_with_session(area.police_analyst)
    site.follow("Networks", within=site.navigation())
    assert site.heading() == "Networks"
    site.follow("Network 1")
    assert site.heading() == "Network 1"

    members = site.page.get_by_role("table", name="People and things in this network")
    assert members.locator("tbody tr").count() == 7
    assert members.get_by_role("link", name="Chloe Marsh").is_visible()
    assert members.get_by_text("A child known to a school").is_visible()
    links = site.page.get_by_role("table", name="Links and their evidence")
    assert links.locator("tbody tr").count() == 6
    assert "Child sexual exploitation: recorded by" in links.inner_text()

    graph = site.page.get_by_role("group", name="Graph of 7 people and things and 6 links")
    assert graph.is_visible()
    assert graph.locator("line").count() == 6
    vehicle = graph.get_by_role("link", name="V1: Vehicle, AB12 CDE")
    vehicle.focus()
    assert graph.locator(".app-network-graph__link--active").count() == 3
    vehicle.click()
    assert site.page.url.endswith("#node-V1")
    assert site.page.locator("#node-V1.app-network-row--selected").count() == 1
    assert links.locator("tr.app-network-row--selected").count() == 3
    site.check()
