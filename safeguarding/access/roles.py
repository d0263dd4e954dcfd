"""Staff roles and what each may do. Access decisions read these sets, never role names."""

from django.db import models


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    TEAM_MANAGER = "team-manager", "Team manager"
    MASH_TRIAGE = "mash-triage", "MASH triage officer"
    DESIGNATED_SAFEGUARDING_LEAD = "dsl", "Designated safeguarding lead"
    POLICE_ANALYST = "police-analyst", "Police analyst"
    TASKFORCE_ANALYST = "taskforce-analyst", "Taskforce analyst"
    AUDITOR = "auditor", "Auditor"
    SYSTEM_ADMINISTRATOR = "system-admin", "System administrator"
    SYSTEM_INTEGRATION = "system-integration", "Agency system (API)"
    HR_FINANCE = "hr-finance", "HR and finance officer"
    FUND_ADMINISTRATOR = "fund-administrator", "Support fund administrator"
    HELPLINE_STAFF = "helpline-staff", "Helpline caseworker"
    INSPECTOR = "inspector", "Inspector"
    INFORMATION_GOVERNANCE = "information-governance", "Information governance officer"


# Roles that may read and write case content about people their agency is involved with.
CASE_WORK_ROLES = frozenset(
    {
        Role.PRACTITIONER,
        Role.TEAM_MANAGER,
        Role.MASH_TRIAGE,
        Role.DESIGNATED_SAFEGUARDING_LEAD,
        Role.POLICE_ANALYST,
        Role.SYSTEM_INTEGRATION,
    }
)
# Roles that may use break-glass access (people: not systems).
BREAK_GLASS_ROLES = CASE_WORK_ROLES - {Role.SYSTEM_INTEGRATION}
# Roles that see only aggregates, never an identifiable record.
AGGREGATE_ONLY_ROLES = frozenset({Role.TASKFORCE_ANALYST})
AUDIT_ROLES = frozenset({Role.AUDITOR})
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMINISTRATOR})
# Told about break-glass access to records their agency holds.
BREAK_GLASS_NOTIFIED_ROLES = frozenset({Role.TEAM_MANAGER, Role.DESIGNATED_SAFEGUARDING_LEAD})
# Read and answer reports to the helpline, at an agency of kind "helpline" only.
HELPLINE_ROLES = frozenset({Role.HELPLINE_STAFF})
# Place and release legal holds, erase records and answer subject access requests. They
# see no record through need-to-know: what they handle, they reach through these duties.
INFORMATION_GOVERNANCE_ROLES = frozenset({Role.INFORMATION_GOVERNANCE})
