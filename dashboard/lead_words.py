"""A lead's reasons and next step in the owner's language.

The pipeline stores each reason and the next step as a kind with parameters (`bot.pipeline.lead_notes`) beside
its English sentence; here each kind has its sentence in the catalogs, filled at the dashboard's edge (the API,
the leads page, the thread). A lead stored before kinds existed, or a kind this dashboard does not know, keeps
its stored English text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from babel.numbers import format_decimal

from dashboard.i18n.current import N_, format_locale, gettext

# The msgid of each kind: the same English sentence the pipeline stores.
LEAD_SENTENCES: dict[str, str] = {
    # Reasons behind a score.
    "asked_to_buy": N_("Asked to buy"),
    "asked_to_buy_times": N_("Asked to buy {count} times"),
    "shared_budget": N_("Shared a budget"),
    "budget_in_currency": N_("Shared a budget in {currency}"),
    "budget_covers": N_("Budget covers the price of {product}"),
    "budget_close": N_("Budget is close to the price of {product}"),
    "budget_below": N_("Budget is below the price of {product}"),
    "team_of": N_("Team of {count}"),
    "timeline": N_("Timeline: {timeline}"),
    "shared_email": N_("Shared email"),
    "shared_phone": N_("Shared phone"),
    "shared_email_and_phone": N_("Shared email and phone"),
    "gave_name": N_("Gave their name"),
    "works_at": N_("Works at {company}"),
    "interested_in": N_("Interested in {product}"),
    "engaged": N_("Engaged: {count} messages"),
    "got_link": N_("Received the purchase link"),
    "objection": N_("Raised an objection"),
    "objections": N_("Raised {count} objections"),
    "not_interested": N_("Said they are not interested"),
    "opted_out": N_("Opted out of messages"),
    # Next steps.
    "thank": N_("Thank them and check in after delivery."),
    "do_not_message": N_("Do not message: they opted out."),
    "no_action": N_("No action: they are not interested right now."),
    "follow_up_link": N_("Follow up on the purchase link if they have not bought within a day."),
    "follow_up_link_at": N_("Follow up on the purchase link at {contact} if they have not bought within a day."),
    "reach_out": N_("Reach out personally to close the sale."),
    "reach_out_at": N_("Reach out personally at {contact} to close the sale."),
    "answer_concern": N_("Answer their concern personally; consider a call."),
    "ask_contact": N_("Ask for an email or phone number."),
    "keep_answering": N_("Keep answering their questions and suggest the product that fits."),
}


def note_words(note: Mapping[str, Any] | None) -> str | None:
    """A stored note (`{kind, params}`) in the request's language; None when its kind is not one we can say."""
    if not note or note.get("kind") not in LEAD_SENTENCES:
        return None
    params = {
        name: format_decimal(value, locale=format_locale()) if isinstance(value, int) else str(value)
        for name, value in (note.get("params") or {}).items()
    }
    sentence = LEAD_SENTENCES[note["kind"]]
    try:
        return gettext(sentence).format(**params)
    except (KeyError, IndexError):  # a note missing one of its sentence's parameters
        return None


def reasons_in_words(reasons: list[str], kinds: list[Mapping[str, Any]] | None) -> list[str]:
    """The reasons in the request's language when every one has a kind we can say; else as stored."""
    if not kinds or len(kinds) != len(reasons):
        return list(reasons)
    said = [note_words(kind) for kind in kinds]
    return [words if words is not None else stored for words, stored in zip(said, reasons, strict=True)]
