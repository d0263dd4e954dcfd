"""The registry of work-list providers and the one read that gathers a user's work.

A provider takes a member of staff and returns the work list it holds for them, or None
when their role has no such work. Providers are registered by name, so registering twice
replaces (as the other registries of decision 0014). Naming people on the home page is a
read of their records: the lists gathered for one page view are audited in one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from safeguarding.access.models import User
from safeguarding.audit.chain import record
from safeguarding.audit.verbs import AuditVerb
from safeguarding.audit.vocabulary import TargetType

# How many items a list shows on the home page; its count and link give the rest.
SHOWN = 8


@dataclass(frozen=True)
class WorkItem:
    """One thing to do: what it is, whose it is (a child, an agency, a reference), when it
    is due, its state, and where to do it. ``records`` name what the item reads, for the
    audit log (``"person:<id>"``, ``"contact:<id>"``...)."""

    what: str
    link: str
    whose: str = ""
    due: date | None = None
    state: str = ""
    overdue: bool = False
    records: tuple[str, ...] = ()


@dataclass(frozen=True)
class WorkList:
    """A titled list of a user's work, the ``total`` of which ``items`` are the first."""

    key: str
    title: str
    items: list[WorkItem]
    total: int
    see_all: str = ""
    see_all_text: str = ""
    empty: str = "Nothing is waiting."
    order: int = 50

    @property
    def more(self) -> int:
        return max(self.total - len(self.items), 0)


Provider = Callable[[User], "WorkList | None"]

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Add ``provider`` under ``name``; a second registration of a name replaces the first."""
    _providers[name] = provider


def registered() -> dict[str, Provider]:
    return dict(_providers)


def work_lists_for(user: User) -> list[WorkList]:
    """Every work list the user has, in page order; audited when any item names a record."""
    lists = [found for provide in _providers.values() if (found := provide(user)) is not None]
    lists.sort(key=lambda work: (work.order, work.title))
    shown = {work.key: sorted({r for item in work.items for r in item.records}) for work in lists}
    shown = {key: records for key, records in shown.items() if records}
    if shown:
        record(
            AuditVerb.WORK_LIST_VIEWED,
            actor=user,
            target_type=TargetType.WORK_LIST,
            payload={"lists": shown},
        )
    return lists
