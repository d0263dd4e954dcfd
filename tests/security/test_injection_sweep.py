"""Script injection, swept across every app: the demo area is built (every register has
content), then every free-text column of every table is given a script, and every demo
account walks every page it can reach by following links from its home page. No page may
carry the script as markup; the escaped text must show up, proving the fields were drawn.

It runs in the SQLite pass only: it writes the script into columns directly, past the
length limits that PostgreSQL would enforce, and the point is the rendering, not the
database.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from urllib.parse import urldefrag, urlsplit

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import Client

from safeguarding.access.models import User
from safeguarding.demo.generator import build_demo

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.each_database,
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="writes past column limits; runs in the SQLite pass",
    ),
]

PAYLOAD = '<script>alert("sweep")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;sweep&quot;)&lt;/script&gt;"
# Columns that are not free text: identifiers, codes, secrets and machine values.
NOT_FREE_TEXT = re.compile(
    r"(^|_)(id|code|codes|key|keys|hash|digest|tag|salt|token|password|username|email|"
    r"url|path|link|verb|kind|role|scheme|state|status|value|postcode|number|registration|"
    r"normalised|search|phonetic|soundex|metaphone|version|format|fingerprint|secret|"
    r"source|target|node|member|entity|category|categories|type|types)s?$"
)
# Text columns that hold ciphertext, not text anyone typed: appending to a token breaks
# it, and what they decrypt to is drawn from the plaintext the demo wrote.
CIPHERTEXT_COLUMNS = {("helpline", "RoutedReferral", "content")}
PAGES_PER_SHAPE = 2  # pages whose address differs only by ids are alike: a few are enough
MOST_PAGES_PER_ACCOUNT = 250


def _free_text_columns() -> Iterator[tuple[type[models.Model], models.Field]]:
    for model in apps.get_models():
        # The audit log refuses changes (its triggers are tested elsewhere).
        if not model.__module__.startswith("safeguarding.") or model._meta.app_label == "audit":
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            if field.choices or field.primary_key or field.unique:
                continue
            if NOT_FREE_TEXT.search(field.name) or field.name.startswith("agency_record"):
                continue
            if (model._meta.app_label, model.__name__, field.name) in CIPHERTEXT_COLUMNS:
                continue
            yield model, field


def _poison() -> int:
    """Append the script to every non-empty free-text value; the number of columns."""
    columns = 0
    with connection.cursor() as cursor:
        for model, field in _free_text_columns():
            table = connection.ops.quote_name(model._meta.db_table)
            column = connection.ops.quote_name(field.column)
            cursor.execute(
                f"UPDATE {table} SET {column} = {column} || %s "
                f"WHERE {column} IS NOT NULL AND {column} <> ''",
                [" " + PAYLOAD],
            )
            columns += 1
    return columns


_HREF = re.compile(r'href="(/[^"#]*)')
_SHAPE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+")


def _shape(path: str) -> str:
    return _SHAPE.sub("#", path)


def _walk(client: Client, start: str) -> Iterator[tuple[str, str]]:
    """Every page reachable by links from ``start``: (address, HTML)."""
    queue, seen, shapes = [start], {start}, Counter[str]()
    while queue and len(seen) <= MOST_PAGES_PER_ACCOUNT:
        address = queue.pop(0)
        response = client.get(address)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        yield address, html
        for found in _HREF.findall(html):
            link = urldefrag(found.replace("&amp;", "&")).url
            path = urlsplit(link).path
            if path.startswith(("/static/", "/accounts/logout", "/sign-out")) or link in seen:
                continue
            if shapes[_shape(path)] >= PAGES_PER_SHAPE:
                continue
            shapes[_shape(path)] += 1
            seen.add(link)
            queue.append(link)


def test_no_page_of_any_app_renders_a_stored_script(
    client_for: Callable[[User], Client],
) -> None:
    result = build_demo(seed=11, scale=0.003, progress=False)
    assert _poison() >= 40
    pages = 0
    drawn = 0
    unsafe: list[str] = []
    visited: list[str] = []
    for demo, _ in result.users:
        client = client_for(User.objects.get(username=demo.username))
        for address, html in _walk(client, "/"):
            pages += 1
            visited.append(address)
            # In the page's own content, not the banner's "Signed in as" line.
            drawn += ESCAPED in html[html.find("<main") :]
            if "<script>alert" in html or "<img src=x onerror" in html:
                unsafe.append(f"{demo.username} {address}")
    assert unsafe == []
    # The sweep saw every section, and the script reached most pages' content as text.
    sections = {address.split("/")[1] for address in visited}
    assert sections >= {
        "audit", "clocks", "collaboration", "concerns", "exit-payments", "helpline",
        "inspections", "linkage", "mash", "networks", "people", "reporting-duty",
        "support-fund", "taskforce", "therapy", "warning-notices",
    }  # fmt: skip
    assert pages >= 300
    assert drawn >= pages // 2
