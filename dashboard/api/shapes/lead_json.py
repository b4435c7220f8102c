"""A lead as the owner API gives it (and the pages render it): money in major units, ISO times, the customer's
own fields flat beside the lead's."""

from __future__ import annotations

from typing import Any

from bot.sales.leads import Lead
from dashboard.lead_words import note_words, reasons_in_words
from knowledge.models import to_major


def lead_json(lead: Lead) -> dict[str, Any]:
    """The stored lead, its reasons and next step in the English they were stored in."""
    out: dict[str, Any] = {
        "id": lead.id,
        "conversation_id": lead.conversation_id,
        "platform": lead.platform,
        "customer_id": lead.customer_id,
        **lead.fields.model_dump(exclude_none=True),
        "name": lead.name,
        "email": lead.fields.email or "",
        "phone": lead.fields.phone or "",
        "name_given": bool(lead.fields.name),
        "score": lead.score,
        "score_reasons": list(lead.score_reasons),
        "stage": lead.stage.value,
        "next_step": lead.next_step,
        "score_reason_kinds": [item.model_dump() for item in lead.reason_notes],
        "next_step_kind": lead.next_step_note.model_dump() if lead.next_step_note else None,
        "campaign_id": lead.campaign_id,
        "source": lead.source.model_dump(),
        "value": to_major(lead.value_cents, lead.currency or "USD") if lead.value_cents is not None else 0,
        "created_at": lead.created_at.isoformat(),
        "updated_at": lead.updated_at.isoformat(),
        **dict(lead.counters.items()),
    }
    if lead.currency:
        out["currency"] = lead.currency
    if lead.converted_at is not None:
        out["converted_at"] = lead.converted_at.isoformat()
    return out


def lead_for_owner(lead: Lead) -> dict[str, Any]:
    """The lead as the API and the pages give it: its reasons and next step in the request's language (a kind
    this dashboard cannot say keeps its stored English); the kinds stay as they are."""
    out = lead_json(lead)
    out["score_reasons"] = reasons_in_words(out["score_reasons"], out["score_reason_kinds"])
    out["next_step"] = note_words(out["next_step_kind"]) or lead.next_step
    return out
