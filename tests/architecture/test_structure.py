"""Invariants of the code base itself, checked on every run."""

from __future__ import annotations

import ast
import re
import tokenize
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parents[2] / "safeguarding"
# Views reachable without signing in. Adding one is a deliberate, reviewed change.
PUBLIC_VIEWS = {
    "healthz",
    "sign-in",
    "second-factor",
    "enrol",
    "sign-out",
    "privacy",
    "accessibility",
    "helpline-start",
    "helpline-report",
    "helpline-known-as",
    "helpline-receipt-saved",
    "helpline-return",
    "helpline-conversation",
}


def _patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            found += _patterns(pattern, prefix + str(pattern.pattern))
        else:
            found.append((prefix + str(pattern.pattern), pattern))
    return found


def test_only_allow_listed_views_are_public():
    public = {
        pattern.name
        for route, pattern in _patterns(get_resolver())
        if getattr(pattern.callback, "public", False)
    }
    assert public == PUBLIC_VIEWS


@pytest.mark.django_db
def test_every_non_public_page_redirects_to_sign_in():
    client = Client()
    checked = 0
    for route, pattern in _patterns(get_resolver()):
        if route.startswith("api/") or getattr(pattern.callback, "public", False):
            continue
        path = "/" + re.sub(
            r"<uuid:[^>]+>",
            "00000000-0000-4000-8000-000000000000",
            re.sub(r"<int:[^>]+>", "1", route),
        )
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 302, path
            assert response.url == "/sign-in/", path
        checked += 1
    assert checked >= 10


def _python_files(*folders: str) -> list[Path]:
    return [path for folder in folders for path in (ROOT / folder).rglob("*.py")]


# Records about people. Every model that points at one of these (a concern's persons, a
# notice's children, a report's messages...) is personal data too, and is added below.
PERSONAL_DATA_ROOTS = {
    ("people", "Person"),
    ("concerns", "Concern"),
    ("helpline", "Report"),
    ("exitpayments", "ExitPayment"),
    ("exitpayments", "Appointment"),
    ("access", "CaseRole"),
    ("access", "BreakGlassGrant"),
    ("clocks", "Clock"),
    ("linkage", "CandidatePair"),
    ("linkage", "Merge"),
    ("taskforce", "OnlineAbuseSuspect"),
}


def _personal_data_models() -> set[str]:
    from django.apps import apps

    personal = {apps.get_model(app, name) for app, name in PERSONAL_DATA_ROOTS}
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            if model in personal:
                continue
            if any(
                field.is_relation and field.concrete and field.related_model in personal
                for field in model._meta.get_fields()
            ):
                personal.add(model)
                grew = True
    return {model.__name__ for model in personal}


def test_views_and_the_api_read_personal_data_only_through_gatekeepers():
    """Person.objects and friends may appear in queries.py and actions.py, never in the
    modules that answer requests, which must go through the audited gatekeepers."""
    personal_data_models = _personal_data_models()
    assert {"Person", "Contact", "WarningNotice", "Message"} <= personal_data_models
    offenders = []
    for path in [
        p for p in _python_files(".") if p.name in {"views.py", "api.py"} or "api" in p.parts
    ]:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "objects"
                and isinstance(node.value, ast.Name)
                and node.value.id in personal_data_models
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}")
    assert offenders == []


def test_no_inline_script_or_style_in_templates():
    offenders = []
    for template in ROOT.rglob("templates/**/*.html"):
        if template.name.endswith("_print.html"):
            continue  # rendered to PDF on the server, never served to a browser
        text = template.read_text()
        if (
            re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
            or re.search(r"\sstyle=\"", text)
            or re.search(r"<style", text)
            or re.search(r"\son[a-z]+=\"", text)
        ):
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


# A suppression names what it silences, then says why, as in "noqa: S311 - synthetic data,
# not security" or "type: ignore[attr-defined]  # a Prefetch's to_attr".
SUPPRESSIONS = (
    re.compile(r"#\s*noqa\b(?P<codes>:\s*[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)?(?P<why>.*)"),
    re.compile(r"#\s*type:\s*ignore\b(?P<codes>\[[a-z-]+(?:\s*,\s*[a-z-]+)*\])?(?P<why>.*)"),
)


def _comments(path: Path) -> list[tuple[int, str]]:
    with path.open("rb") as source:
        return [
            (token.start[0], token.string)
            for token in tokenize.tokenize(source.readline)
            if token.type == tokenize.COMMENT
        ]


def test_every_noqa_and_type_ignore_names_its_code_and_reason():
    unexplained = []
    repository = ROOT.parent
    for folder in ("safeguarding", "tests", "bench"):
        for path in sorted((repository / folder).rglob("*.py")):
            for number, comment in _comments(path):
                for pattern in SUPPRESSIONS:
                    match = pattern.search(comment)
                    if match and not (match["codes"] and re.search(r"[A-Za-z]{2}", match["why"])):
                        unexplained.append(f"{path.relative_to(repository)}:{number} {comment}")
    assert not unexplained, "a suppression without its code or reason:\n" + "\n".join(unexplained)


def test_migrations_are_named():
    unnamed = [
        path.name for path in ROOT.rglob("migrations/*.py") if re.match(r"\d{4}_auto_", path.name)
    ]
    assert unnamed == []


@pytest.mark.django_db
def test_models_and_migrations_agree():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(f"models have changes without a migration:\n{out.getvalue()}")
        raise exit_
