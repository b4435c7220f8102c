"""What sales needs to know of a conversation: its ids and the customer's name, never the conversation itself.

Sales sits below the conversations (a turn saves its lead, a handoff counts a day), so it names no type of
theirs: any value with these fields will do (`bot.conversations.records.Conversation` has them).
"""

from __future__ import annotations

from typing import Protocol


class ConversationRef(Protocol):
    @property
    def id(self) -> str:
        """The conversation's id."""
        ...

    @property
    def tenant_id(self) -> str: ...

    @property
    def platform(self) -> str: ...

    @property
    def customer_id(self) -> str: ...

    @property
    def customer_name(self) -> str: ...

    @property
    def campaign_id(self) -> str:
        """The campaign the conversation is about; empty when none."""
        ...
