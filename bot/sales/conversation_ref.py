"""What sales needs to know of a conversation: its ids and the customer's name, never the conversation itself.

Sales sits below the conversations (a turn saves its lead, a handoff counts a day), so it names no type of
theirs: any value with these fields will do (`bot.conversations.records.Conversation` has them).
"""

from __future__ import annotations

from typing import Protocol

from bot.sales.attribution import ConversationSource


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

    @property
    def account_id(self) -> str:
        """The business's page, account or number the customer wrote to."""
        ...

    @property
    def source(self) -> ConversationSource:
        """What brought the customer (an ad, a comment, or a plain message)."""
        ...
