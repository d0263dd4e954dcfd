"""Closed vocabularies validate like choices but stay out of migrations, and every audit
entry is written with members of them."""

from __future__ import annotations

import ast
from enum import Enum
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db.migrations.loader import MigrationLoader

from safeguarding.access.models import Agency, User
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import LegalBasis, TargetType
from safeguarding.clocks.models import Clock, ClockLimit
from safeguarding.helpline.models import RoutedReferral
from safeguarding.vocabulary import VocabularyField

VOCABULARY_FIELDS = [
    (AuditEntry, "verb"),
    (AuditEntry, "target_type"),
    (AuditEntry, "legal_basis"),
    (User, "role"),
    (Agency, "kind"),
    (Clock, "clock_type"),
    (ClockLimit, "clock_type"),
]


@pytest.mark.parametrize(("model", "name"), VOCABULARY_FIELDS)
def test_vocabulary_is_validated_but_not_migrated(model: type, name: str) -> None:
    field = model._meta.get_field(name)
    assert isinstance(field, VocabularyField)
    assert field.choices, "the model still knows its vocabulary"
    with pytest.raises(ValidationError):
        field.clean("not-in-the-vocabulary", None)
    state = MigrationLoader(None, ignore_no_migrations=True).project_state()
    migrated = state.models[(model._meta.app_label, model._meta.model_name)].fields[name]
    assert not migrated.choices


# Every target type and legal basis the log holds. Entries are hashed with these texts, so
# a value may be added (with its member) but never changed or removed.
TARGET_TYPES_WRITTEN = {
    "abuse-report",
    "abuse-report-list",
    "work-list",
    "hand-off",
    "agency",
    "api-token",
    "appointment",
    "audit-log",
    "break-glass-grant",
    "break-glass-grant-list",
    "clock",
    "statutory-return",
    "collaboration-request",
    "collaboration-request-list",
    "concern",
    "concern-list",
    "contact",
    "contact-list",
    "dashboard",
    "exit-payment",
    "fund",
    "grant-application",
    "helpline-referral",
    "helpline-report",
    "import-file",
    "inspection",
    "inspection-action",
    "linkage-export",
    "linkage-run",
    "match",
    "match-review-queue",
    "merge",
    "merge-list",
    "network",
    "network-alert",
    "network-list",
    "online-abuse-suspect",
    "online-abuse-suspect-list",
    "online-abuse-suspects",
    "person",
    "person-search",
    "police-force",
    "police-forces",
    "recovery",
    "rule-set",
    "therapy-referral",
    "therapy-referral-list",
    "user",
    "warning-notice",
    "warning-notice-list",
    "legal-hold",
    "legal-hold-list",
    "subject-access-request",
}
LEGAL_BASES_WRITTEN = {
    "UK GDPR Art 6(1)(e); DPA 2018 Sch 1 para 18",
    "UK GDPR Art 6(1)(e), Art 9(2)(g); DPA 2018 Sch 1 para 18",
    "DPA 2018 Sch 1 para 18",
    "Children Act 2004 s.11; DPA 2018 Sch 1 para 18",
    "UK GDPR Art 6(1)(e), Art 9(2)(g); DPA 2018 Sch 1 para 18; DPA 2018 Part 3",
    "UK GDPR Art 6(1)(e), Art 9(2)(g); DPA 2018 Sch 1 para 18; Children Act 2004 s.20",
    "UK GDPR Art 6(1)(e), Art 9(2)(h); DPA 2018 Sch 1 paras 2 and 18",
    "Crime and Policing Act 2026 (duty to report); DPA 2018 Sch 1 para 18",
    "DPA 2018 Part 3 (law enforcement), s.31 purposes",
    "DPA 2018 Part 3 s.35 and Sch 8 para 4; Police Act 1996 s.22A",
    "DPA 2018 Part 3 (law enforcement); Child Abduction Act 1984 s.2; Children Act 1989 s.49",
    "public-task-safeguarding",
    "law-enforcement",
    "consent",
}


@pytest.mark.parametrize(
    ("vocabulary", "written"),
    [(TargetType, TARGET_TYPES_WRITTEN), (LegalBasis, LEGAL_BASES_WRITTEN)],
)
def test_every_stored_value_has_a_member(vocabulary: type[Enum], written: set[str]) -> None:
    values = {member.value for member in vocabulary}
    assert written - values == set(), "a stored value lost its member"
    assert values - written == set(), "a new member's value belongs in the list above"


def test_a_routed_referrals_legal_basis_is_one_of_the_logs() -> None:
    assert set(RoutedReferral.LegalBasis.values) <= set(LegalBasis.values)


REPOSITORY = Path(__file__).resolve().parents[2]
# The arguments of an entry, each with its vocabulary: the verb is the first positional one.
ENTRY_VOCABULARIES: dict[str, type[Enum]] = {
    "verb": AuditVerb,
    "target_type": TargetType,
    "legal_basis": LegalBasis,
}
# Arguments passed on from a value already typed as a member (mypy checks the type there),
# by file and source text.
FORWARDED = {
    ("tests/concerns/test_bulk_import.py", "entry.verb"),
    ("tests/concerns/test_bulk_import.py", "entry.target_type"),
    ("tests/concerns/test_bulk_import.py", "entry.legal_basis"),
}


def _chain_callables(tree: ast.Module) -> tuple[set[str], set[str]]:
    """The names a module binds to chain.record and chain.PendingEntry, and to the module."""
    functions: set[str] = set()
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "safeguarding.audit.chain":
            functions |= {
                alias.asname or alias.name
                for alias in node.names
                if alias.name in {"record", "PendingEntry"}
            }
        elif isinstance(node, ast.ImportFrom) and node.module == "safeguarding.audit":
            modules |= {alias.asname or alias.name for alias in node.names if alias.name == "chain"}
        elif isinstance(node, ast.Import):
            modules |= {
                alias.asname for alias in node.names if alias.name == "safeguarding.audit.chain"
            } - {None}
    return functions, modules


def _is_member(node: ast.expr, vocabulary: type[Enum]) -> bool:
    """A member named outright (``TargetType.PERSON``), a value looked up in the vocabulary
    (``LegalBasis(code)``, which refuses a non-member), or a choice between them."""
    name = vocabulary.__name__
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id == name and node.attr in vocabulary.__members__
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id == name and len(node.args) == 1 and not node.keywords
    if isinstance(node, ast.IfExp):
        return _is_member(node.body, vocabulary) and _is_member(node.orelse, vocabulary)
    return False


def _entry_calls(path: Path) -> list[tuple[ast.Call, str]]:
    source = path.read_text()
    if "safeguarding.audit" not in source:
        return []
    tree = ast.parse(source)
    functions, modules = _chain_callables(tree)
    calls = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (isinstance(func, ast.Name) and func.id in functions) or (
            isinstance(func, ast.Attribute)
            and func.attr in {"record", "PendingEntry"}
            and isinstance(func.value, ast.Name)
            and func.value.id in modules
        ):
            calls.append((node, source))
    return calls


def test_every_audit_entry_is_written_with_vocabulary_members() -> None:
    """Each record() and PendingEntry() names its verb, target type and legal basis by a
    member of the vocabulary, never by free text."""
    offenders = []
    checked = 0
    for folder in ("safeguarding", "tests", "bench", "scripts"):
        for path in sorted((REPOSITORY / folder).rglob("*.py")):
            name = str(path.relative_to(REPOSITORY))
            for call, source in _entry_calls(path):
                checked += 1
                arguments = {keyword.arg: keyword.value for keyword in call.keywords}
                if call.args:
                    arguments["verb"] = call.args[0]
                if None in arguments:
                    offenders.append(f"{name}:{call.lineno} passes **arguments")
                for argument, vocabulary in ENTRY_VOCABULARIES.items():
                    value = arguments.get(argument)
                    if value is None or _is_member(value, vocabulary):
                        continue
                    text = ast.get_source_segment(source, value)
                    if (name, text) not in FORWARDED:
                        offenders.append(f"{name}:{value.lineno} {argument}={text}")
    assert checked > 100
    assert not offenders, "free text where a member belongs:\n" + "\n".join(offenders)
