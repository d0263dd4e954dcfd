"""The closed vocabulary of audited actions. Adding a verb is a code change, reviewed."""

from django.db import models


class AuditVerb(models.TextChoices):
    # Sign-in and accounts
    SIGNED_IN = "signed-in", "Signed in"
    SIGN_IN_FAILED = "sign-in-failed", "Sign-in failed"
    ACCOUNT_LOCKED = "account-locked", "Account locked after repeated failures"
    ACCOUNT_UNLOCKED = "account-unlocked", "Account unlocked"
    SIGNED_OUT = "signed-out", "Signed out"
    SECOND_FACTOR_ENROLLED = "second-factor-enrolled", "Second factor enrolled"
    USER_CREATED = "user-created", "User created"
    USER_UPDATED = "user-updated", "User updated"
    USER_DEACTIVATED = "user-deactivated", "User deactivated"
    AGENCY_CREATED = "agency-created", "Agency created"
    API_TOKEN_ISSUED = "api-token-issued", "API token issued"
    API_TOKEN_REVOKED = "api-token-revoked", "API token revoked"
    # Personal data
    PERSON_CREATED = "person-created", "Person record created"
    PERSON_VIEWED = "person-viewed", "Person record viewed"
    PERSON_SEARCHED = "person-searched", "People searched"
    CONCERN_RECORDED = "concern-recorded", "Concern recorded"
    CONCERN_UPDATED = "concern-updated", "Concern updated"
    CONCERN_VIEWED = "concern-viewed", "Concern viewed"
    CONCERNS_LISTED = "concerns-listed", "Concerns listed"
    CASE_ROLE_ASSIGNED = "case-role-assigned", "Case role assigned"
    CASE_ROLE_ENDED = "case-role-ended", "Case role ended"
    BREAK_GLASS_SEARCHED = "break-glass-searched", "Break-glass search"
    BREAK_GLASS_GRANTED = "break-glass-granted", "Break-glass access granted"
    DATA_IMPORTED = "data-imported", "Data imported"
    # MASH triage
    CONTACT_RATED = "contact-rated", "Contact rated"
    CONTACT_ALLOCATED = "contact-allocated", "Contact allocated"
    CONTACT_DECIDED = "contact-decided", "Threshold decision made"
    CONTACT_VIEWED = "contact-viewed", "Contact viewed"
    TRIAGE_QUEUE_VIEWED = "triage-queue-viewed", "Triage queue viewed"
    INFORMATION_REQUESTED = "information-requested", "Information requested from a partner"
    INFORMATION_SHARED = "information-shared", "Information shared with the MASH"
    # Statutory pathway
    PATHWAY_EVENT_RECORDED = "pathway-event-recorded", "Pathway event recorded"
    # Chronologies and reports
    CHRONOLOGY_VIEWED = "chronology-viewed", "Chronology viewed"
    CHRONOLOGY_MARKED = "chronology-marked", "Chronology entry marked"
    CHRONOLOGY_EXPORTED = "chronology-exported", "Chronology exported"
    KNOWLEDGE_REPORT_EXPORTED = "knowledge-report-exported", "Who-knew-what report exported"
    # Statutory clocks
    CLOCK_STARTED = "clock-started", "Clock started"
    CLOCK_MET = "clock-met", "Clock met"
    CLOCK_STOPPED = "clock-stopped", "Clock stopped"
    CLOCK_LIMIT_CHANGED = "clock-limit-changed", "Clock limit changed"
    CLOCK_REMINDER_SENT = "clock-reminder-sent", "Clock reminder sent"
    CLOCK_ESCALATED = "clock-escalated", "Missed clock escalated"
    CLOCK_DELAY_EXPLAINED = "clock-delay-explained", "Reason for delay recorded"
    # The log itself
    AUDIT_LOG_VIEWED = "audit-log-viewed", "Audit log viewed"
    AUDIT_LOG_VERIFIED = "audit-log-verified", "Audit log verified"
