"""The closed vocabularies of what an audit entry is about and on what legal basis.

With the verbs (verbs.py) they make the shape of every entry: actor, verb, target type and
id, legal basis, payload. Adding a member is a code change, reviewed. Each value is the
text the log stores and hashes, so a value must never change once entries carry it:
rename the member, keep the value (tests/architecture/test_vocabulary.py holds the values
written so far).
"""

from django.db import models


class TargetType(models.TextChoices):
    """The kind of record an entry's target_id names. A ``-list`` or plural type marks a
    read of many records at once, whose target_id is empty or names the filter's scope."""

    # Accounts and agencies
    USER = "user", "User account"
    AGENCY = "agency", "Agency"
    API_TOKEN = "api-token", "API token"
    AUDIT_LOG = "audit-log", "Audit log"
    # People, concerns and the front door
    PERSON = "person", "Person record"
    PERSON_SEARCH = "person-search", "Search for people"
    BREAK_GLASS_GRANT = "break-glass-grant", "Break-glass access to a person"
    BREAK_GLASS_GRANT_LIST = "break-glass-grant-list", "Break-glass accesses to review"
    CONCERN = "concern", "Concern"
    CONCERN_LIST = "concern-list", "List of concerns"
    IMPORT_FILE = "import-file", "Imported file of concerns"
    CONTACT = "contact", "MASH contact"
    CONTACT_LIST = "contact-list", "MASH triage queue"
    # Case work
    CLOCK = "clock", "Statutory clock"
    STATUTORY_RETURN = "statutory-return", "Local authority's statutory return"
    # Linkage and networks
    LINKAGE_RUN = "linkage-run", "Linkage run"
    LINKAGE_EXPORT = "linkage-export", "Linkage results export"
    MATCH = "match", "Possible match"
    MATCH_REVIEW_QUEUE = "match-review-queue", "Possible matches to review"
    MERGE = "merge", "Merge of two person records"
    MERGE_LIST = "merge-list", "List of merges"
    NETWORK = "network", "Network"
    NETWORK_LIST = "network-list", "List of networks"
    NETWORK_ALERT = "network-alert", "Network alert"
    # Helpline
    HELPLINE_REPORT = "helpline-report", "Helpline report"
    HELPLINE_REFERRAL = "helpline-referral", "Referral routed from the helpline"
    # National view
    DASHBOARD = "dashboard", "National dashboard"
    POLICE_FORCE = "police-force", "Police force's capacity"
    POLICE_FORCES = "police-forces", "Every police force's capacity"
    ONLINE_ABUSE_SUSPECT = "online-abuse-suspect", "Online abuse suspect"
    ONLINE_ABUSE_SUSPECT_LIST = "online-abuse-suspect-list", "List of online abuse suspects"
    ONLINE_ABUSE_SUSPECTS = "online-abuse-suspects", "Imported file of online abuse suspects"
    COLLABORATION_REQUEST = "collaboration-request", "Request between police forces"
    COLLABORATION_REQUEST_LIST = "collaboration-request-list", "List of requests between forces"
    INSPECTION = "inspection", "Joint inspection"
    INSPECTION_ACTION = "inspection-action", "Inspection action"
    # Accountability and support
    EXIT_PAYMENT = "exit-payment", "Exit payment"
    APPOINTMENT = "appointment", "Public appointment"
    RECOVERY = "recovery", "Exit payment recovery"
    RULE_SET = "rule-set", "Claw-back rule set"
    WARNING_NOTICE = "warning-notice", "Child abduction warning notice"
    WARNING_NOTICE_LIST = "warning-notice-list", "List of warning notices"
    ABUSE_REPORT = "abuse-report", "Duty-to-report record"
    ABUSE_REPORT_LIST = "abuse-report-list", "List of duty-to-report records"
    WORK_LIST = "work-list", "A member of staff's own work list"
    HAND_OFF = "hand-off", "Something sent to another agency, and its receipt"
    FUND = "fund", "Support fund"
    GRANT_APPLICATION = "grant-application", "Grant application"
    THERAPY_REFERRAL = "therapy-referral", "Therapy referral"
    THERAPY_REFERRAL_LIST = "therapy-referral-list", "Therapy waiting list"
    # Retention, erasure and subject access
    LEGAL_HOLD = "legal-hold", "Legal hold on records"
    LEGAL_HOLD_LIST = "legal-hold-list", "Legal holds and erasures"
    SUBJECT_ACCESS_REQUEST = "subject-access-request", "Subject access request"


class LegalBasis(models.TextChoices):
    """The law under which personal data was read or shared, recorded with the entry.

    Most values cite the provisions in full; the three helpline values are the codes a
    routed referral stores (helpline.models.RoutedReferral.LegalBasis), which name them."""

    # Children's social care and partners (UK GDPR, DPA 2018 Part 2)
    PUBLIC_TASK_SAFEGUARDING = (
        "UK GDPR Art 6(1)(e); DPA 2018 Sch 1 para 18",
        "Public task: safeguarding children",
    )
    PUBLIC_TASK_SAFEGUARDING_SPECIAL_CATEGORY = (
        "UK GDPR Art 6(1)(e), Art 9(2)(g); DPA 2018 Sch 1 para 18",
        "Public task, special category data: safeguarding children",
    )
    SAFEGUARDING_CONDITION = (
        "DPA 2018 Sch 1 para 18",
        "Special category condition: safeguarding children",
    )
    PARTNER_DUTY_TO_SAFEGUARD = (
        "Children Act 2004 s.11; DPA 2018 Sch 1 para 18",
        "A partner's duty to safeguard children",
    )
    SAFEGUARDING_AND_LAW_ENFORCEMENT = (
        "UK GDPR Art 6(1)(e), Art 9(2)(g); DPA 2018 Sch 1 para 18; DPA 2018 Part 3",
        "Safeguarding children, and law enforcement for police records",
    )
    # Children's social care data shared with the inspectorates for their statutory inspection.
    JOINT_INSPECTION = (
        "UK GDPR Art 6(1)(e), Art 9(2)(g); DPA 2018 Sch 1 para 18; Children Act 2004 s.20",
        "Joint inspection of children's services",
    )
    # Health or social care, and safeguarding children.
    HEALTH_CARE = (
        "UK GDPR Art 6(1)(e), Art 9(2)(h); DPA 2018 Sch 1 paras 2 and 18",
        "Health care and safeguarding children",
    )
    DUTY_TO_REPORT = (
        "Crime and Policing Act 2026 (duty to report); DPA 2018 Sch 1 para 18",
        "The duty to report child sexual abuse",
    )
    # Police (DPA 2018 Part 3)
    LAW_ENFORCEMENT = (
        "DPA 2018 Part 3 (law enforcement), s.31 purposes",
        "Law enforcement",
    )
    # Police processing for law enforcement, which includes safeguarding children, and the
    # forces' duty to collaborate.
    POLICE_COLLABORATION = (
        "DPA 2018 Part 3 s.35 and Sch 8 para 4; Police Act 1996 s.22A",
        "Collaboration between police forces",
    )
    CHILD_ABDUCTION_WARNING = (
        "DPA 2018 Part 3 (law enforcement); Child Abduction Act 1984 s.2; Children Act 1989 s.49",
        "Child abduction warning notices",
    )
    # Referrals routed from the helpline, as the referral records them
    HELPLINE_PUBLIC_TASK = (
        "public-task-safeguarding",
        "UK GDPR Art 6(1)(e) and 9(2)(g), DPA 2018 Sch 1 para 18 (safeguarding children)",
    )
    HELPLINE_LAW_ENFORCEMENT = (
        "law-enforcement",
        "DPA 2018 Part 3, Sch 8 para 4 (safeguarding children, law enforcement)",
    )
    HELPLINE_CONSENT = "consent", "The reporter's consent"
