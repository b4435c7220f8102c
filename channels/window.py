"""Meta's customer-service window, as each channel applies it: pure decisions on the customer's last message.

A business may answer freely for 24 hours after the customer last wrote. After that Messenger and Instagram take a
person's answer with the HUMAN_AGENT tag (the bot stays quiet), and WhatsApp takes only an approved template.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from channels.graph_errors import OutsideWindow

WINDOW = timedelta(hours=24)
# After a Click-to-Messenger or Click-to-Direct ad the window "may last up to 7 days" from the customer's first
# message after the click (Messenger Platform policy). WhatsApp's ad entry point changes the price, not the window.
AD_WINDOW = timedelta(days=7)

Sender = Literal["bot", "human"]


@dataclass(frozen=True)
class WindowRules:
    # The tag a person's answer after the window goes with; "" when nothing but a template may go.
    late_answer_tag: str
    # Why a send after the window is refused, in the log's and the conversation's words.
    refusal: str
    # The Graph failure a refused send stands for (it decides the owner's sentence, as Meta's own refusal would).
    failure: type[OutsideWindow]

    # How long after the customer's first message following an ad click the window may last (Messenger and
    # Instagram: up to 7 days); None where an ad does not lengthen it.
    ad_window: timedelta | None = None
    # Whether an approved template may go after the window (WhatsApp); Messenger's and Instagram's retired tags
    # (ACCOUNT_UPDATE, POST_PURCHASE_UPDATE, CONFIRMED_EVENT_UPDATE) are never used, so nothing goes there.
    templates_after_window: bool = False

    def open_until(self, last_customer_at: datetime, ad_started_at: datetime | None = None) -> datetime:
        """Until when the business may answer freely: 24 hours after the customer's last message, or longer for a
        conversation an ad started, on a channel whose ads lengthen the window."""
        end = last_customer_at + WINDOW
        if ad_started_at is not None and self.ad_window is not None:
            end = max(end, ad_started_at + self.ad_window)
        return end

    def refusal_for(
        self, last_customer_at: datetime, sender: Sender, now: datetime, ad_started_at: datetime | None = None
    ) -> str:
        """Why this send may not go out now ("" when it may)."""
        if now <= self.open_until(last_customer_at, ad_started_at):
            return ""
        if sender == "human" and self.late_answer_tag:
            return ""
        return self.refusal

    def tag_for(self, last_customer_at: datetime, now: datetime, ad_started_at: datetime | None = None) -> str:
        """The message tag a send needs now ("" inside the window)."""
        return self.late_answer_tag if now > self.open_until(last_customer_at, ad_started_at) else ""
