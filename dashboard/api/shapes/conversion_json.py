"""A recorded sale, and an event told to Meta's Conversions API, as the owner API gives them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.sales.conversions import Conversion
from bot.sales.conversions_api import ConversionEvent
from dashboard.conversion_events import event_words
from knowledge.models import to_major


def conversion_json(conversion: Conversion) -> dict[str, Any]:
    return {
        "id": conversion.id,
        "conversation_id": conversion.conversation_id,
        "platform": conversion.platform,
        "campaign_id": conversion.campaign_id,
        "value": to_major(conversion.value_minor, conversion.currency),
        "currency": conversion.currency,
        "at": conversion.at.isoformat(),
    }


def conversion_event_json(event: ConversionEvent) -> dict[str, Any]:
    """The event as it went (or goes) to Meta, Meta's last answer, and what became of it in the owner's words."""
    custom = event.item.get("custom_data") or {}
    return {
        "id": event.id,
        "event_name": event.event_name,
        "conversation_id": event.conversation_id,
        "ad_id": event.ad_id,
        "state": event.state,
        "event_time": datetime.fromtimestamp(int(event.item.get("event_time", 0)), UTC),
        "value": custom.get("value"),
        "currency": custom.get("currency", ""),
        "attempts": event.attempts,
        "sent": event.item,
        "answer": event.answer,
        "error": event.error,
        "words": event_words(event),
    }
