"""The Conversions API's events as the owner reads them: what was sent, and Meta's answer in plain words."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dashboard.i18n.current import gettext


def event_words(doc: dict[str, Any]) -> str:
    """One sentence on what became of the event."""
    state = doc.get("state")
    if state == "sent":
        return gettext("Meta received it.")
    if state == "pending" and int(doc.get("attempts", 0)):
        return gettext("Meta could not take it yet; it will be sent again by itself.")
    if state == "pending":
        return gettext("Waiting to be sent.")
    if state == "expired":
        return gettext("Not sent: it is older than 7 days, and Meta accepts only the last 7 days.")
    if doc.get("answer"):
        return gettext("Meta refused it: %(reason)s") % {"reason": doc.get("error", "")}
    return gettext("Not sent: %(reason)s") % {"reason": doc.get("error", "")}


def event_to_api(doc: dict[str, Any]) -> dict[str, Any]:
    item = doc.get("item", {})
    custom = item.get("custom_data") or {}
    return {
        "id": doc["_id"],
        "event_name": doc.get("event_name", ""),
        "conversation_id": doc.get("conversation_id", ""),
        "ad_id": doc.get("ad_id", ""),
        "state": doc.get("state", "pending"),
        "event_time": datetime.fromtimestamp(int(item.get("event_time", 0)), UTC),
        "value": custom.get("value"),
        "currency": custom.get("currency", ""),
        "attempts": int(doc.get("attempts", 0)),
        "sent": item,
        "answer": doc.get("answer", {}),
        "error": doc.get("error", ""),
        "words": event_words(doc),
    }
