"""The owner's CRM told when a turn hands a customer to a person or ends the conversation for the bot."""

from __future__ import annotations

from datetime import datetime

from bot.conversations.records import Conversation, ConversationStatus
from bot.outbound_webhooks.outbox import emit
from bot.outbound_webhooks.payloads import ConversationData
from knowledge.db import Db

# A customer who said STOP has ended the conversation as surely as an owner who closed it.
ENDED = frozenset({ConversationStatus.closed, ConversationStatus.opted_out})


async def tell_status(db: Db, conversation: Conversation, status: ConversationStatus, turn_id: str, now: datetime) -> None:
    """Keyed by the turn that changed the status, so a retried turn is one event."""
    if status == conversation.status:
        return
    if status == ConversationStatus.handoff:
        event = "conversation.handoff"
    elif status in ENDED:
        event = "conversation.closed"
    else:
        return
    data = ConversationData(
        conversation_id=conversation.id,
        platform=conversation.platform,
        customer_id=conversation.customer_id,
        customer_name=conversation.customer_name,
        campaign_id=conversation.campaign_id,
        status=status.value,
    )
    await emit(db, conversation.tenant_id, event, f"{event}:{conversation.id}:{turn_id}", data, now)
