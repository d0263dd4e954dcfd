"""The fictional area the demo builds: its agencies and one sign-in for each role.

Every name, number and place is generated or fictional: NHS numbers come from the range
999 000 0000 to 999 999 9999 that NHS England reserves for testing, phone numbers from
Ofcom's ranges for drama, and pupil numbers from an unused local authority code.
"""

from __future__ import annotations

from dataclasses import dataclass

from safeguarding.access.models import AgencyKind
from safeguarding.access.roles import Role

LOCAL_AUTHORITY = ("LA-NORTHBRIDGE", "Northbridge City Council Children's Services")


@dataclass(frozen=True)
class DemoAgency:
    code: str
    name: str
    kind: str
    weight: int  # share of the area's concerns this agency records


AGENCIES = [
    DemoAgency(*LOCAL_AUTHORITY, AgencyKind.LOCAL_AUTHORITY, 15),
    DemoAgency("POL-NORTHBRIDGE", "Northbridge Police", AgencyKind.POLICE_FORCE, 20),
    DemoAgency("POL-EASTMOOR", "Eastmoor Constabulary", AgencyKind.POLICE_FORCE, 10),
    DemoAgency("SCH-ASHGROVE", "Ashgrove Primary School", AgencyKind.SCHOOL, 5),
    DemoAgency("SCH-BRIARFIELD", "Briarfield Primary School", AgencyKind.SCHOOL, 5),
    DemoAgency("SCH-CALDER", "Calder Vale Academy", AgencyKind.SCHOOL, 5),
    DemoAgency("SCH-DENHOLME", "Denholme High School", AgencyKind.SCHOOL, 5),
    DemoAgency("SCH-ELMSTEAD", "Elmstead Church of England School", AgencyKind.SCHOOL, 5),
    DemoAgency("SCH-FERNLEA", "Fernlea Pupil Referral Unit", AgencyKind.SCHOOL, 3),
    DemoAgency(
        "NHS-NORTHBRIDGE", "Northbridge Teaching Hospitals NHS Trust", AgencyKind.NHS_BODY, 17
    ),
    DemoAgency(
        "VOL-HARBOUR", "Harbour Young People's Trust", AgencyKind.VOLUNTARY_ORGANISATION, 10
    ),
    DemoAgency("NAT-TASKFORCE", "Child Sexual Abuse Taskforce", AgencyKind.NATIONAL_BODY, 0),
    DemoAgency("NAT-HELPLINE", "Safeguarding Practice Helpline", AgencyKind.HELPLINE, 0),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    given_name: str
    family_name: str
    role: str
    agency_code: str | None


USERS = [
    DemoUser("practitioner", "Priya", "Shah", Role.PRACTITIONER, LOCAL_AUTHORITY[0]),
    DemoUser("manager", "Tom", "Hughes", Role.TEAM_MANAGER, LOCAL_AUTHORITY[0]),
    DemoUser("mash", "Grace", "Okafor", Role.MASH_TRIAGE, LOCAL_AUTHORITY[0]),
    DemoUser("dsl", "Helen", "Ward", Role.DESIGNATED_SAFEGUARDING_LEAD, "SCH-DENHOLME"),
    DemoUser("police", "Sam", "Kowalski", Role.POLICE_ANALYST, "POL-NORTHBRIDGE"),
    DemoUser("police-eastmoor", "Leah", "Byrne", Role.POLICE_ANALYST, "POL-EASTMOOR"),
    DemoUser("health", "Ade", "Bello", Role.PRACTITIONER, "NHS-NORTHBRIDGE"),
    DemoUser("health-manager", "Ruth", "Lowe", Role.TEAM_MANAGER, "NHS-NORTHBRIDGE"),
    DemoUser("taskforce", "Imran", "Ali", Role.TASKFORCE_ANALYST, "NAT-TASKFORCE"),
    DemoUser("auditor", "Nia", "Evans", Role.AUDITOR, None),
    DemoUser("admin", "Chris", "Doyle", Role.SYSTEM_ADMINISTRATOR, None),
    DemoUser("harbour", "Zara", "Ahmed", Role.PRACTITIONER, "VOL-HARBOUR"),
    DemoUser("hr", "Margaret", "Quinn", Role.HR_FINANCE, LOCAL_AUTHORITY[0]),
    DemoUser("fund", "Oliver", "Grant", Role.FUND_ADMINISTRATOR, "NAT-TASKFORCE"),
    DemoUser("helpline", "Dev", "Patel", Role.HELPLINE_STAFF, "NAT-HELPLINE"),
]
# The account an agency's own case-management system uses to call the API.
SYSTEM_USER = DemoUser(
    "northbridge-police-system",
    "Northbridge Police",
    "records system",
    Role.SYSTEM_INTEGRATION,
    "POL-NORTHBRIDGE",
)
