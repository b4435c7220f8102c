"""Whether the model's draft may reach the owner, by rule: its numbers and its destinations. Pure.

A draft is shown only when every number in it is one the tools computed (or the owner's own, or the
calculator's), and it names no account, card, wallet, link, address, phone number or handle that the tenant's own
data does not hold. What customers wrote is neither a source of numbers nor of destinations: it reached the model
as marked data, and an answer that repeats a figure or an address from it is refused, so the owner reads the
answer built from the tools alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from dashboard.leo.grounding import known_numbers, ungrounded_numbers
from dashboard.leo.results import ToolResult
from dashboard.leo.safety import Contacts, Finding, contacts_in, findings


@dataclass(frozen=True)
class Review:
    ungrounded: list[str] = field(default_factory=list)  # numbers no tool computed
    destinations: list[Finding] = field(default_factory=list)  # where money, secrets or people would go

    @property
    def passed(self) -> bool:
        return not self.ungrounded and not self.destinations


def held_contacts(results: Sequence[ToolResult], question: str, own: Contacts) -> Contacts:
    """The destinations an answer may name: the business's own, its customers' as its data holds them, the
    owner's own words, and any its own campaign and product names carry."""
    held = own | contacts_in([question, *(result.computed_text() for result in results)])
    for result in results:
        held = held | result.contacts()
    return held


def review_draft(draft: str, results: Sequence[ToolResult], question: str, today: date, own: Contacts) -> Review:
    known = known_numbers([result.computed_text() for result in results] + [question, today.isoformat()])
    held = held_contacts(results, question, own)
    return Review(ungrounded=ungrounded_numbers(draft, known, held), destinations=findings(draft, held))
