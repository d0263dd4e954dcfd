"""What other apps do when concerns are recorded. The apps above concerns (the MASH opens
a contact, warning notices and the duty to report check each concern) register a reaction
in their AppConfig.ready, so that concerns imports none of them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from safeguarding.access.models import User
from safeguarding.concerns.models import Concern, PersonRole
from safeguarding.writes.unit import WriteRun, Writes


@dataclass(frozen=True)
class RecordedConcerns:
    """One batch of concerns recorded: those new and those updated, and the persons each
    names, as (person id, role) in the order named."""

    actor: User
    new: list[Concern]
    updated: list[Concern]
    persons: dict[uuid.UUID, list[tuple[uuid.UUID, str]]]

    def first_child(self, concern: Concern) -> uuid.UUID | None:
        return next(
            (person for person, role in self.persons[concern.pk] if role == PersonRole.CHILD),
            None,
        )


# A reaction plans its writes into the batch's Writes (rows, checks that read the new
# rows, audit entries), reading the database only through the run.
Reaction = Callable[[RecordedConcerns, Writes, WriteRun], None]
_reactions: list[tuple[str, Reaction]] = []


def on_concerns_recorded(name: str, reaction: Reaction) -> None:
    """Register ``reaction`` under ``name`` (registering a name again replaces it, so
    that AppConfig.ready may run twice)."""
    for index, (registered, _) in enumerate(_reactions):
        if registered == name:
            _reactions[index] = (name, reaction)
            return
    _reactions.append((name, reaction))


def react(recorded: RecordedConcerns, writes: Writes, run: WriteRun) -> None:
    for _, reaction in _reactions:
        reaction(recorded, writes, run)


def registered() -> list[str]:
    return [name for name, _ in _reactions]
