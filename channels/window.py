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

Sender = Literal["bot", "human"]


@dataclass(frozen=True)
class WindowRules:
    # The tag a person's answer after the window goes with; "" when nothing but a template may go.
    late_answer_tag: str
    # Why a send after the window is refused, in the log's and the conversation's words.
    refusal: str
    # The Graph failure a refused send stands for (it decides the owner's sentence, as Meta's own refusal would).
    failure: type[OutsideWindow]

    def refusal_for(self, last_customer_at: datetime, sender: Sender, now: datetime) -> str:
        """Why this send may not go out now ("" when it may)."""
        if now - last_customer_at <= WINDOW:
            return ""
        if sender == "human" and self.late_answer_tag:
            return ""
        return self.refusal

    def tag_for(self, last_customer_at: datetime, now: datetime) -> str:
        """The message tag a send needs now ("" inside the window)."""
        return self.late_answer_tag if now - last_customer_at > WINDOW else ""
