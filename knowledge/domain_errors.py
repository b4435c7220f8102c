"""The failures every room raises for an owner to read: one small hierarchy, with no HTTP status and no sentence.

It lives in `knowledge/` because that is the bottom layer: it imports nothing of ours and every other room
(`channels/`, `bot/`, `dashboard/`) may import it, so the knowledge base can raise these too. This module imports
nothing at all.

An error says which family it belongs to (its class), what exactly went wrong (`kind`, a stable code) and the
values a sentence about it needs (`params`); `fields` names the fields at fault, each with the kind of its problem.
How each family and kind is answered (status, the API's code, the owner's sentence in their language) is decided in
one table on the owner's side (`dashboard/error_table.py`), never here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

Param = str | int


class DomainError(Exception):
    """A failure an owner can be told about. Raise one of the families below, not this class."""

    family: ClassVar[str] = ""

    def __init__(self, kind: str, fields: Mapping[str, str] | None = None, /, **params: Param) -> None:
        # The kind and the values, never a sentence: logs read them as they are, owners through the table.
        super().__init__(kind, params)
        self.kind = kind
        self.params: dict[str, Param] = dict(params)
        self.fields: dict[str, str] = dict(fields or {})

    def __str__(self) -> str:
        return f"{self.family}/{self.kind}"


class NotFound(DomainError):
    """What was asked for does not exist (or belongs to another business)."""

    family = "not_found"


class Conflict(DomainError):
    """The thing exists already or changed meanwhile."""

    family = "conflict"


class Refused(DomainError):
    """Not allowed, or not possible right now."""

    family = "refused"


class Upstream(DomainError):
    """An outside service (Meta, the model) failed or could not be reached."""

    family = "upstream"


class InvalidInput(DomainError):
    """What was sent cannot be used."""

    family = "invalid"


FAMILIES: tuple[type[DomainError], ...] = (NotFound, Conflict, Refused, Upstream, InvalidInput)
