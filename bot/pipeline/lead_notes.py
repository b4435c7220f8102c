"""A lead's reasons and next step as kinds with parameters, so each reader can say them in their own language.

The pipeline decides which notes apply (`lead_scoring.py`); this says them in English, the words the pipeline has
always stored beside them. The dashboard keeps its own translated sentence for each kind. Pure.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError

NoteValue = str | int


class LeadNote(BaseModel):
    """One reason behind a score, or one next step: `kind` names the sentence, `params` fill its placeholders."""

    model_config = ConfigDict(frozen=True)

    kind: str
    params: dict[str, NoteValue] = Field(default_factory=dict)

    def english(self) -> str:
        return ENGLISH[self.kind].format(**self.params)


def read_note(stored: object) -> LeadNote | None:
    """A stored note, or None when it does not read as one (the stored English sentence is shown instead)."""
    try:
        return LeadNote.model_validate(stored)
    except ValidationError:
        return None


def read_notes(stored: object) -> list[LeadNote]:
    """Stored notes; any that does not read as one makes the list unusable, so the stored sentences are shown."""
    found = [read_note(item) for item in stored] if isinstance(stored, list) else []
    return [item for item in found if item is not None] if all(found) else []


def note(kind: str, **params: NoteValue) -> LeadNote:
    if kind not in ENGLISH:
        raise KeyError(f"unknown lead note kind {kind!r}")
    return LeadNote(kind=kind, params=params)


# The reasons behind a score.
REASONS: dict[str, str] = {
    "asked_to_buy": "Asked to buy",
    "asked_to_buy_times": "Asked to buy {count} times",
    "shared_budget": "Shared a budget",
    "budget_in_currency": "Shared a budget in {currency}",
    "budget_covers": "Budget covers the price of {product}",
    "budget_close": "Budget is close to the price of {product}",
    "budget_below": "Budget is below the price of {product}",
    "team_of": "Team of {count}",
    "timeline": "Timeline: {timeline}",
    "shared_email": "Shared email",
    "shared_phone": "Shared phone",
    "shared_email_and_phone": "Shared email and phone",
    "gave_name": "Gave their name",
    "works_at": "Works at {company}",
    "interested_in": "Interested in {product}",
    "engaged": "Engaged: {count} messages",
    "got_link": "Received the purchase link",
    "objection": "Raised an objection",
    "objections": "Raised {count} objections",
    "not_interested": "Said they are not interested",
    "opted_out": "Opted out of messages",
}
# What the owner could do next.
NEXT_STEPS: dict[str, str] = {
    "thank": "Thank them and check in after delivery.",
    "do_not_message": "Do not message: they opted out.",
    "no_action": "No action: they are not interested right now.",
    "follow_up_link": "Follow up on the purchase link if they have not bought within a day.",
    "follow_up_link_at": "Follow up on the purchase link at {contact} if they have not bought within a day.",
    "reach_out": "Reach out personally to close the sale.",
    "reach_out_at": "Reach out personally at {contact} to close the sale.",
    "answer_concern": "Answer their concern personally; consider a call.",
    "ask_contact": "Ask for an email or phone number.",
    "keep_answering": "Keep answering their questions and suggest the product that fits.",
}
ENGLISH = {**REASONS, **NEXT_STEPS}
