"""The Conversions API's events as the owner reads them: Meta's answer in plain words."""

from __future__ import annotations

from bot.sales.conversions_api import ConversionEvent
from dashboard.i18n.current import gettext


def event_words(event: ConversionEvent) -> str:
    """One sentence on what became of the event."""
    if event.state == "sent":
        return gettext("Meta received it.")
    if event.state == "pending" and event.attempts:
        return gettext("Meta could not take it yet; it will be sent again by itself.")
    if event.state == "pending":
        return gettext("Waiting to be sent.")
    if event.state == "expired":
        return gettext("Not sent: it is older than 7 days, and Meta accepts only the last 7 days.")
    if event.answer:
        return gettext("Meta refused it: %(reason)s") % {"reason": event.error}
    return gettext("Not sent: %(reason)s") % {"reason": event.error}
