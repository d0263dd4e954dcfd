"""Chronologies from every agency, curated marks, CSV and PDF, and who knew what when."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.chronology.actions import mark_entry
from safeguarding.chronology.entries import build_chronology, curated
from safeguarding.chronology.exports import chronology_csv
from safeguarding.mash.actions import decide_contact
from safeguarding.pathway.actions import EventDetails, record_event
from safeguarding.people.models import Person
from tests.factories import Area, child_details, make_concern, nhs_number_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(area: Area) -> Person:
    nhs = nhs_number_for(21)
    first = make_concern(
        area.dsl,
        local_authority=area.council,
        child=child_details(nhs_number=nhs),
        summary="=HYPERLINK(bad)",
        recorded_at=timezone.now() - timedelta(days=10),
    )
    make_concern(
        area.police_analyst,
        local_authority=area.council,
        child=child_details(nhs_number=nhs),
        category="domestic-abuse",
        summary="Police called to the home.",
        recorded_at=timezone.now() - timedelta(days=5),
    )
    decide_contact(
        actor=area.mash,
        contact=first.contact,
        decision="assessment",
        rationale="Two agencies report concerns; assessment needed.",
    )
    person = first.involvements.get(role="child").person
    return person


def test_chronology_has_every_agency_in_date_order(area: Area, child: Person):
    entries = build_chronology(child, area.mash)
    assert [e.kind for e in entries] == ["Concern", "Concern", "MASH decision"]
    assert [e.source for e in entries][:2] == [area.school.name, area.police.name]
    assert entries == sorted(entries, key=lambda e: e.when)


def test_pathway_events_and_missed_deadlines_appear(area: Area, child: Person):
    record_event(
        actor=area.mash,
        details=EventDetails(
            person_id=child.pk,
            event_type="strategy-discussion",
            occurred_on=date(2025, 12, 15),
            outcome="s47",
        ),
    )
    kinds = [e.kind for e in build_chronology(child, area.mash)]
    assert "Pathway" in kinds
    # The conference clock from December 2025 is long overdue.
    assert "Missed deadline" in kinds


def test_marking_curates_and_is_audited(area: Area, child: Person):
    entry = build_chronology(child, area.mash)[1]
    marked = mark_entry(
        actor=area.dsl,
        person_id=child.pk,
        entry_ref=entry.ref,
        significant=True,
        analysis="Second agency with a concern within a week.",
    )
    assert marked.position == 1  # where the page sends the practitioner back to
    assert marked.mark.entry_ref == entry.ref
    chosen = curated(build_chronology(child, area.mash))
    assert [e.ref for e in chosen] == [entry.ref]
    assert chosen[0].analysis.startswith("Second agency")
    assert AuditEntry.objects.filter(verb=AuditVerb.CHRONOLOGY_MARKED).count() == 1


def test_csv_neutralises_formulas(area: Area, child: Person):
    rows = list(csv.reader(io.StringIO(chronology_csv(build_chronology(child, area.mash)))))
    assert rows[0][:4] == ["date", "time", "source", "kind"]
    details = [row[5] for row in rows[1:]]
    assert "'=HYPERLINK(bad)" in details


def test_exports_over_http_are_audited_and_named_by_id(area: Area, child: Person, client_for):
    client = client_for(area.dsl)
    page = client.get(reverse("chronology:view", args=[child.pk]))
    assert page.status_code == 200
    # A school reads the police's concern in summary (access.visibility).
    assert "Police called to the home." not in page.content.decode()
    assert f"{area.police.name} were involved on" in page.content.decode()
    csv_response = client.get(reverse("chronology:csv", args=[child.pk]))
    assert csv_response["Content-Type"].startswith("text/csv")
    assert child.family_name not in csv_response["Content-Disposition"]
    pdf = client.get(reverse("chronology:pdf", args=[child.pk]) + "?curated=1")
    assert pdf.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(verb=AuditVerb.CHRONOLOGY_EXPORTED).count() == 2


def test_chronology_is_need_to_know(area: Area, child: Person, client_for):
    assert (
        client_for(area.health).get(reverse("chronology:view", args=[child.pk])).status_code == 404
    )
    assert (
        client_for(area.auditor).get(reverse("chronology:view", args=[child.pk])).status_code == 403
    )


def _knowledge(report, agency: str):
    return next(k for k in report.agencies if k.agency == agency).lines


def test_who_knew_what_is_each_agencys_timeline_at_the_events_own_times(
    area: Area, child: Person, client_for
):
    from safeguarding.chronology.knowledge import who_knew_what
    from safeguarding.concerns.models import Concern

    client_for(area.dsl).get(reverse("web:person", args=[child.pk]))
    report = who_knew_what(child)
    school = _knowledge(report, area.school.name)
    council = _knowledge(report, area.council.name)
    police = _knowledge(report, area.police.name)
    concern = Concern.objects.get(agency=area.school, involvements__person=child)
    recorded = next(line for line in school if line.kind == "Recorded")
    # The concern's own time, ten days ago, not the moment the rows were written.
    assert recorded.when == concern.recorded_at
    assert recorded.when < timezone.now() - timedelta(days=9)
    assert recorded.who == area.dsl.display_name
    assert recorded.detail == "=HYPERLINK(bad)"
    assert recorded.evidence == list(
        AuditEntry.objects.filter(
            verb=AuditVerb.CONCERN_RECORDED, target_id=str(concern.pk)
        ).values_list("sequence", flat=True)
    )
    viewed = next(
        line for line in school if line.kind == "Viewed" and line.who == area.dsl.display_name
    )
    # The view's purpose, stored sealed in the log, reads open.
    assert viewed.detail == "view person record"
    # The council was told of both concerns when its MASH received them, and decided one.
    told = [line for line in council if line.kind == "Told"]
    assert len(told) == 2
    assert min(line.when for line in told) == concern.contact.received_at
    decided = next(line for line in council if line.kind == "Decided")
    assert decided.what == "Decided: Child and family assessment"
    assert decided.who == area.mash.display_name
    assert decided.evidence
    deadlines = [line.what for line in council if line.kind == "Deadline"]
    assert any(what.startswith("Child and family assessment: due") for what in deadlines)
    assert [line.kind for line in police] == ["Recorded"]
    # Each agency in the order it first knew.
    assert [k.agency for k in report.agencies][:2] == [area.school.name, area.police.name]
    # A period leaves out what fell outside it.
    recent = who_knew_what(child, start=timezone.localdate() - timedelta(days=7))
    assert area.school.name not in {
        k.agency for k in recent.agencies if any(line.kind == "Recorded" for line in k.lines)
    }
    # Auditors see the trail, not what was written.
    trail = who_knew_what(child, content=False)
    assert all(not line.detail for k in trail.agencies for line in k.lines)


def test_who_knew_what_report_is_a_tagged_pdf_for_those_who_may_have_it(
    area: Area, child: Person, client_for
):
    from pypdf import PdfReader

    for user, status in (
        # The council's team manager triages at its MASH, and sees the child as it does.
        (area.manager, 200),
        (area.mash, 200),
        (area.auditor, 200),
        (area.dsl, 404),
        (area.admin, 404),
    ):
        response = client_for(user).get(reverse("chronology:who-knew-what", args=[child.pk]))
        assert response.status_code == status, user.username
    response = client_for(area.mash).get(reverse("chronology:who-knew-what", args=[child.pk]))
    reader = PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    # PDF/UA: marked as tagged, a structure tree, the language, the title shown.
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata is not None
    assert reader.metadata.title.startswith("Who knew what, and when")
    kinds: set[str] = set()

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, dict):
            if "/S" in node:
                kinds.add(str(node["/S"]))
            kids = node.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, list) else [kids]:
                    walk(kid)

    walk(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/P"} <= kinds
    text = "".join(page.extract_text() for page in reader.pages)
    assert area.council.name in text
    assert "Decided: Child and family assessment" in text
    # A period must be dates; a wrong one is a clear error.
    bad = client_for(area.mash).get(
        reverse("chronology:who-knew-what", args=[child.pk]), {"from": "last week"}
    )
    assert bad.status_code == 400
    assert "YYYY-MM-DD" in bad.content.decode()


def test_marking_through_the_page_and_errors_come_back(area: Area, child: Person, client_for):
    client = client_for(area.dsl)
    entry = build_chronology(child, area.mash)[0]
    response = client.post(
        reverse("chronology:mark", args=[child.pk]),
        {
            "prefix": "e1",
            "e1-entry": entry.ref,
            "e1-significant": "on",
            "e1-analysis": "First sign of neglect.",
        },
    )
    assert response.status_code == 302
    assert build_chronology(child, area.mash)[0].significant
    too_long = client.post(
        reverse("chronology:mark", args=[child.pk]),
        {"prefix": "e1", "e1-entry": entry.ref, "e1-analysis": "x" * 5001},
    )
    assert too_long.status_code == 400
    page = too_long.content.decode()
    assert "There is a problem" in page
    assert "5,000 characters or fewer" in page
    assert 'href="#id_e1-' in page


def test_a_long_chronology_is_read_a_page_at_a_time(
    area: Area, child: Person, client_for, monkeypatch: pytest.MonkeyPatch
):
    from safeguarding.chronology import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client = client_for(area.dsl)
    url = reverse("chronology:view", args=[child.pk])
    entries = build_chronology(child, area.mash)
    first = client.get(url).content.decode()
    assert "Showing entries 1 to 2 of 3, oldest first." in first
    assert f'id="entry-{entries[0].ref}"' in first
    assert f'id="entry-{entries[2].ref}"' not in first
    assert 'href="?page=2" rel="next"' in first
    assert 'aria-current="page">1<' in first
    second = client.get(url, {"page": 2}).content.decode()
    assert f'id="entry-{entries[2].ref}"' in second
    assert f'id="entry-{entries[0].ref}"' not in second
    assert 'name="e3-entry"' in second  # numbered across the whole chronology
    assert client.get(url, {"page": "999"}).status_code == 200  # the last page, not an error
    # Marking the third entry comes back to its page; a mistake shows that page again.
    marked = client.post(
        reverse("chronology:mark", args=[child.pk]),
        {"prefix": "e3", "e3-entry": entries[2].ref, "e3-significant": "on"},
    )
    assert marked["Location"] == f"{url}?page=2#entry-{entries[2].ref}"
    wrong = client.post(
        reverse("chronology:mark", args=[child.pk]),
        {"prefix": "e3", "e3-entry": entries[2].ref, "e3-analysis": "x" * 5001},
    )
    assert wrong.status_code == 400
    assert f'id="entry-{entries[2].ref}"' in wrong.content.decode()


def test_a_school_reads_other_agencies_in_summary_and_its_referrals_outcome(
    area: Area, child: Person
):
    # The school referred and the MASH decided on it; the police also recorded.
    entries = build_chronology(child, area.dsl)
    concerns = [e for e in entries if e.kind == "Concern"]
    police = next(e for e in concerns if e.source == area.police.name)
    assert police.detail.startswith(f"{area.police.name} were involved on ")
    school = next(e for e in concerns if e.source == area.school.name)
    assert school.detail == "=HYPERLINK(bad)"
    # The outcome of the school's own referral, without the MASH's reasons.
    decisions = [e for e in entries if e.kind == "MASH decision"]
    assert [e.title for e in decisions] == ["Child and family assessment"]
    assert decisions[0].detail == ""
    by_mash = [e.detail for e in build_chronology(child, area.mash) if e.kind == "MASH decision"]
    assert by_mash == ["Two agencies report concerns; assessment needed."]
