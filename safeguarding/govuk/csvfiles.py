"""The one way the service writes CSV: every export, download and operator's file.

A cell starting with = + - @ (or a tab or carriage return, which some spreadsheet programs
skip before such a character) runs as a formula when the file is opened in a spreadsheet
(CSV injection). Every text cell written through csv_writer() that starts so is prefixed
with an apostrophe, which spreadsheets show as text; numbers, dates and the like are
written as they are.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Destination(Protocol):
    def write(self, text: str, /) -> Any: ...


def safe_cell(value: object) -> object:
    """``value``, made inert if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer's writerow and writerows, every cell passed through safe_cell()."""

    def __init__(self, destination: _Destination, **formatting: Any) -> None:
        self._writer = csv.writer(destination, **formatting)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(destination: _Destination, **formatting: Any) -> SafeWriter:
    """A CSV writer to ``destination`` (csv.writer's formatting arguments) that neutralises
    formulas in every cell."""
    return SafeWriter(destination, **formatting)
