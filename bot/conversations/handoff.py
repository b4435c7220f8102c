"""A person taking a conversation over from the bot, answering, and handing it back."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.conversations import messages as msgs
from bot.conversations import store as convs
from bot.conversations.records import Conversation, ConversationStatus, InboundState, Message
from bot.conversations.sending import ReplySender, SendOutcome
from bot.sales.counters import bump_daily, day_of
from channels.accounts import find_by_platform_account
from knowledge.db import Db
from knowledge.domain_errors import Conflict


class HandoffError(Conflict):
    """A person's answer that cannot go out as things stand (the channel is gone)."""


async def take_over(db: Db, tenant_id: str, conversation_id: str) -> Conversation | None:
    """The bot stays silent until release; pending customer messages wait for the person.

    A customer who opted out stays opted out: the owner can still read and answer, but a later release
    must never hand the customer back to the bot.
    """
    conversation = await convs.get_conversation(db, tenant_id, conversation_id)
    if conversation is None or conversation.status == ConversationStatus.opted_out:
        return conversation
    return await convs.update_conversation(db, tenant_id, conversation_id, status=ConversationStatus.human, paused_until=None)


async def release(db: Db, tenant_id: str, conversation_id: str) -> Conversation | None:
    """The bot picks up from here; messages a person already saw are not answered again."""
    conversation = await convs.get_conversation(db, tenant_id, conversation_id)
    if conversation is None:
        return None
    waiting = [InboundState.held.value, InboundState.pending.value]
    held = await db.messages.find(
        {"tenant_id": tenant_id, "conversation_id": conversation_id, "state": {"$in": waiting}}, {"_id": 1}
    ).to_list(None)
    if held:
        await msgs.mark_inbound(db, tenant_id, [m["_id"] for m in held], InboundState.seen_by_human)
    status = ConversationStatus.opted_out if conversation.status == ConversationStatus.opted_out else ConversationStatus.bot
    return await convs.update_conversation(db, tenant_id, conversation_id, status=status, paused_until=None)


async def human_reply(
    db: Db, sender: ReplySender, tenant_id: str, conversation_id: str, text: str, *, now: datetime, zone: ZoneInfo
) -> tuple[Message, SendOutcome] | None:
    """An owner's answer: sent through the channel and counted with the bot's; the conversation stays with the person."""
    conversation = await convs.get_conversation(db, tenant_id, conversation_id)
    if conversation is None:
        return None
    account = await find_by_platform_account(db, conversation.platform, conversation.account_id)
    if account is None or account.tenant_id != tenant_id:
        raise HandoffError("channel_disconnected")
    if conversation.status not in (ConversationStatus.human, ConversationStatus.closed, ConversationStatus.opted_out):
        conversation = (
            await convs.update_conversation(db, tenant_id, conversation_id, status=ConversationStatus.human, paused_until=None)
            or conversation
        )
    message, outcome = await sender.send_as_person(account, conversation, text, message_id=uuid.uuid4().hex)
    if outcome.sent:
        await count_person_answer(db, conversation, now=now, zone=zone)
    return message, outcome


async def count_person_answer(db: Db, conversation: Conversation, *, now: datetime, zone: ZoneInfo) -> None:
    """A person's answer that reached the customer counts like the bot's: the messages it answers (those held for
    the person), and on a conversation's first answer how long the customer waited."""
    tenant_id = conversation.tenant_id
    held = await db.messages.find(
        {"tenant_id": tenant_id, "conversation_id": conversation.id, "state": InboundState.held.value}, {"_id": 1}
    ).to_list(None)
    if held:
        await msgs.mark_inbound(db, tenant_id, [m["_id"] for m in held], InboundState.answered)
    counts = {"messages_out": 1, "replies_human": 1, "messages_answered": len(held)}
    if conversation.first_reply_at is None:
        await convs.update_conversation(db, tenant_id, conversation.id, first_reply_at=now)
        counts.update(first_responses=1, first_response_ms=_waited_ms(conversation, now))
    await bump_daily(
        db, tenant_id, counts, day=day_of(now, zone), platform=conversation.platform, campaign_id=conversation.campaign_id
    )


def _waited_ms(conversation: Conversation, now: datetime) -> int:
    """How long the customer waited for the first answer: from their first message (the conversation's start)."""
    return max(0, int((now - conversation.created_at).total_seconds() * 1000))
