"""Every page, for every role, with and without form errors: each load is checked by axe
(see pages.Site.check). The walks follow links and buttons rather than typing addresses
where they can, so that the navigation each role is offered is exercised too."""

from __future__ import annotations

import pytest

from safeguarding.access import actions as access_actions
from safeguarding.access.models import User
from safeguarding.access.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.concerns.models import ConcernCategory, PersonRole
from safeguarding.notifications.actions import notify_users
from safeguarding.notifications.models import Notification
from safeguarding.people.actions import ensure_agency_record
from safeguarding.people.models import Person
from safeguarding.people.queries import access_person
from safeguarding.web.audit_log import PAGE_SIZE
from tests.browser.pages import Site
from tests.factories import Area, adult_details, child_details, make_concern, make_user
from tests.factories import test_range_nhs_number_for as nhs_number_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASE_WORKERS = {
    Role.PRACTITIONER: "practitioner",
    Role.TEAM_MANAGER: "manager",
    Role.MASH_TRIAGE: "mash",
    Role.DESIGNATED_SAFEGUARDING_LEAD: "dsl",
    Role.POLICE_ANALYST: "police_analyst",
}


def _known_child(area: Area, user: User) -> Person:
    """Amelia Hartley, recorded by the school and by ``user``'s agency, with a parent, an
    address, a phone and a vehicle, so that every part of the person page has content."""
    child = area.child_known_to_school(addresses=[("12 Mill Lane", "Testbury", "TE1 2ST")])
    make_concern(
        user,
        local_authority=area.council,
        child=child_details(nhs_number=nhs_number_for(1)),
        others=[(PersonRole.PARENT, adult_details(phones=["07700 900123"], vehicles=["AB12 CDE"]))],
        category=ConcernCategory.SEXUAL_EXPLOITATION,
        summary="Seen getting into a car after school.\nThe driver was not a parent.",
    )
    # Matching joins the concern to the child but opens no record: the agency holds its
    # own record of the child, as one that works with the child does.
    if user.agency is not None:
        ensure_agency_record(child, user.agency)
    return child


def _notify(user: User) -> None:
    notify_users(
        [user],
        subject="A concern was recorded about a child you work with",
        body="Open the record to see it.",
        link="/notifications/",
    )


def _check_common_pages(site: Site, unread: int = 1) -> None:
    """Pages every signed-in member of staff can reach."""
    site.follow("Notifications", within=site.navigation())
    assert site.heading() == "Notifications"
    assert site.page.locator(".govuk-tag", has_text="New").count() == unread
    site.follow("Change password", within=site.navigation())
    assert site.heading() == "Change your password"
    site.submit("Change password", status=400)
    assert site.error_messages() == [
        "Enter your current password",
        "Enter a new password",
        "Enter your new password again",
    ]
    site.follow("Privacy and data protection")
    site.follow("Accessibility statement")
    site.open("/no-such-page/", status=404)
    assert site.heading() == "Page not found"


@pytest.mark.parametrize("role", list(CASE_WORKERS))
def test_case_worker_pages(site: Site, area: Area, role: str) -> None:
    """Every page a case worker uses, as each case-work role (navigation, home page and
    record contents differ by role). Forms with errors are in the next test."""
    user: User = getattr(area, CASE_WORKERS[role])
    child = _known_child(area, user)
    _notify(user)

    site.sign_in_with_session(user)
    banner = site.page.get_by_role("region", name="Important")
    # A school's concern of sexual exploitation reached the MASH, which met the duty to
    # report: it is not asked to report it again.
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    assert unread == 1
    counted = "1 unread notification." if unread == 1 else f"{unread} unread notifications."
    assert f"You have {counted}" in banner.inner_text()
    assert "A concern was recorded about a child you work with" in banner.inner_text()
    assert site.page.get_by_role("table", name="Latest concerns").is_visible()

    site.follow("Find a person", within=site.navigation())
    site.fill("Name", "Amelia Hartley")
    site.submit("Search")
    site.follow("Amelia Hartley")
    assert site.heading() == "Amelia Hartley"
    assert site.page.locator(".moj-timeline__item").count() == 2
    site.follow(f"Record a concern about {child.full_name}", button=True)
    assert site.heading() == "Record a concern about Amelia Hartley"
    site.follow("Record a concern", within=site.navigation())
    assert site.heading() == "Record a concern"

    site.follow("Find a person", within=site.navigation())
    site.follow("Search all agencies' records in an emergency (break-glass)")
    site.fill(
        "Why do you need to see records your agency is not involved with?",
        "Police report a child matching this name missing overnight.",
    )
    site.fill("Name", "Darren Pike")
    site.submit("Search all records")
    assert site.page.get_by_role("button", name="Open record of Darren Pike").is_visible()

    site.open("/audit/", status=403)
    assert site.heading() == "You cannot do that"
    _check_common_pages(site, unread)
    site.sign_out()


def test_case_work_forms_with_errors(site: Site, area: Area) -> None:
    child = _known_child(area, area.practitioner)
    site.sign_in_with_session(area.practitioner)

    site.open("/people/")
    site.submit("Search")
    assert site.error_messages() == ["Enter a name, a date of birth or an identifier to search"]
    site.fill_date("Date of birth", 31, 2, 2014)
    site.submit("Search")
    assert site.error_messages() == ["The date of birth must be a real date"]
    date_input = site.page.get_by_role("group", name="Date of birth")
    assert "Error: The date of birth must be a real date" in " ".join(
        (date_input.text_content() or "").split()
    )

    site.open(f"/concerns/new/?person={child.pk}")
    site.submit("Record concern")
    assert site.error_messages() == ["Choose the category of concern", "Enter what happened"]

    site.open("/concerns/new/")
    site.fill("Other person's given name", "Darren")  # Another person, but no role for them.
    site.fill_date("When did it happen, or when were you told?", 1, 1, 2999)
    site.submit("Record concern")
    assert site.error_messages() == [
        "Choose the category of concern",
        "Enter what happened",
        "The date it happened or you were told must be today or in the past",
        "Enter the child's given name",
        "Enter the child's family name",
        "Choose the other person's role",
    ]

    site.open("/people/break-glass/")
    site.submit("Search all records")
    assert site.error_messages() == ["Explain why you need break-glass access"]

    _notify(area.practitioner)
    site.open("/notifications/")
    site.submit("Mark all as read")
    assert site.page.locator(".govuk-tag", has_text="New").count() == 0
    site.follow("Home", within=site.navigation())
    assert site.page.get_by_role("region", name="Important").count() == 0


def test_taskforce_analyst_pages(site: Site, area: Area) -> None:
    _known_child(area, area.police_analyst)
    _notify(area.taskforce_analyst)
    site.sign_in_with_session(area.taskforce_analyst)
    assert site.heading() == "National figures"
    table = site.page.get_by_role("table", name="Concerns by area")
    assert "Testshire Council" in table.inner_text()
    offered = {item.strip() for item in site.navigation().get_by_role("link").all_inner_texts()}
    assert {"Home", "Therapy waits", "Notifications", "Change password"} <= offered
    assert not offered & {"Find a person", "Record a concern", "Audit log", "Staff"}
    site.follow("Therapy waits", within=site.navigation())
    site.open("/people/", status=403)
    site.open("/concerns/new/", status=403)
    _check_common_pages(site)
    site.sign_out()


def test_auditor_pages(site: Site, area: Area) -> None:
    child = _known_child(area, area.dsl)
    for _ in range(PAGE_SIZE + 1 - AuditEntry.objects.count()):  # So the log has two pages.
        access_person(area.dsl, child.pk, purpose="view person record")
    _notify(area.auditor)

    site.sign_in_with_session(area.auditor)
    assert site.heading() == "Audit"
    site.follow("View the audit log", button=True)
    assert site.page.get_by_role("navigation", name="Pagination").is_visible()
    site.follow("Older entries")
    site.follow("Newer entries")
    site.fill("Username", "dsl")
    site.submit("Filter")
    assert "actor=dsl" in site.page.url
    site.open(f"/people/{child.pk}/", status=404)  # Auditors see no case content.
    site.open("/admin/staff/", status=403)
    _check_common_pages(site)
    site.sign_out()


def test_administrator_pages(site: Site, area: Area) -> None:
    for _ in range(5):  # Lock an account, so the staff list shows a locked one.
        access_actions.check_password_step(area.other_police_analyst.username, "wrong")
    _notify(area.admin)

    site.sign_in_with_session(area.admin)
    assert site.heading() == "Administration"
    site.follow("Staff", within=site.navigation())
    assert site.page.locator(".govuk-tag", has_text="Locked").count() == 1
    site.submit(f"Unlock {area.other_police_analyst.username}")
    assert site.page.locator(".govuk-tag", has_text="Locked").count() == 0

    site.follow("Add a member of staff", button=True)
    site.submit("Add member of staff")
    assert site.error_messages() == [
        "Enter a username",
        "Enter their given name",
        "Enter their family name",
        "Enter their email address",
        "Choose their role",
        "Enter a temporary password",
    ]
    site.fill("Username", "new practitioner")
    site.fill("Email address", "not-an-email")
    site.submit("Add member of staff")
    assert (
        "Enter an email address in the correct format, like name@example.org"
        in site.error_messages()
    )
    site.fill("Username", "jo-bloggs")
    site.fill("Given name", "Jo")
    site.fill("Family name", "Bloggs")
    site.fill("Email address", "jo.bloggs@testshire.example")
    site.page.get_by_label("Practitioner", exact=True).check()
    site.field("Agency").select_option(label="Testshire Council")
    site.fill("Temporary password", "a-long-enough-temporary-password")
    site.submit("Add member of staff")
    assert site.heading() == "Staff"
    assert site.page.get_by_role("cell", name="jo-bloggs", exact=True).is_visible()

    site.follow("Agencies", within=site.navigation())
    site.follow("Add an agency", button=True)
    site.submit("Add agency")
    assert site.error_messages() == [
        "Enter a code for the agency",
        "Enter the agency's name",
        "Choose the kind of agency",
    ]
    site.fill("Agency code", "SCH-NORTH")
    site.fill("Name", "Northbridge Academy")
    site.page.get_by_label("School", exact=True).check()
    site.field("Local authority whose MASH receives its concerns").select_option(
        label="Testshire Council"
    )
    site.submit("Add agency")
    assert site.page.get_by_role("cell", name="Northbridge Academy", exact=True).is_visible()

    site.open("/people/", status=403)
    _check_common_pages(site)
    site.sign_out()


# Roles walked above, and the API role, which has no web pages (see the next test).
WALKED_ROLES = {
    *CASE_WORKERS,
    Role.TASKFORCE_ANALYST,
    Role.AUDITOR,
    Role.SYSTEM_ADMINISTRATOR,
    Role.SYSTEM_INTEGRATION,
}


@pytest.mark.parametrize("role", [role for role in Role.values if role not in WALKED_ROLES])
def test_pages_for_every_other_role(site: Site, area: Area, role: str) -> None:
    """Roles added without pages of their own still get a home page and the shared pages."""
    user = make_user(role, area.council)
    _notify(user)
    site.sign_in_with_session(user)
    assert site.heading() == area.council.name
    assert site.page.get_by_role("region", name="Important").is_visible()
    _check_common_pages(site)
    site.sign_out()


def test_pages_for_signed_out_visitors(site: Site, area: Area) -> None:
    site.open("/sign-in/")
    site.submit("Continue")
    assert site.error_messages() == ["Enter your username", "Enter your password"]
    site.follow("Privacy and data protection")
    site.follow("Accessibility statement")
    site.open("/no-such-page/", status=404)
    site.open("/sign-in/security-code/")  # Without a password step: back to sign in.
    assert site.page.url.endswith("/sign-in/")
    # Agency systems (the API role) have no web pages: their password is refused here.
    site.enter_password(area.system.username)
    [message] = site.error_messages()
    assert message.startswith("Enter a correct username and password")
