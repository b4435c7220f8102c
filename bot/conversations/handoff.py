"""A person taking a conversation over from the bot, answering, and handing it back."""

from __future__ import annotations

import uuid

from bot.conversations import store as convs
from bot.runtime.services import Platform
from bot.conversations.sending import SendOutcome, deliver
from channels.accounts import find_by_platform_account


class HandoffError(Exception):
    def __init__(self, http_status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.http_status, self.code, self.message, self.fields = http_status, code, message, {}


async def take_over(platform: Platform, tenant_id: str, conversation_id: str) -> convs.Conversation | None:
    """The bot stays silent until release; pending customer messages wait for the person.

    A customer who opted out stays opted out: the owner can still read and answer, but a later release
    must never hand the customer back to the bot.
    """
    conversation = await convs.get_conversation(platform.db, tenant_id, conversation_id)
    if conversation is None or conversation.status == "opted_out":
        return conversation
    return await convs.update_conversation(platform.db, tenant_id, conversation_id, status="human", paused_until=None)


async def release(platform: Platform, tenant_id: str, conversation_id: str) -> convs.Conversation | None:
    """The bot picks up from here; messages a person already saw are not answered again."""
    conversation = await convs.get_conversation(platform.db, tenant_id, conversation_id)
    if conversation is None:
        return None
    held = await platform.db.messages.find(
        {"tenant_id": tenant_id, "conversation_id": conversation_id, "state": {"$in": ["held", "pending"]}}
    ).to_list(None)
    if held:
        await convs.mark_inbound(platform.db, tenant_id, [m["_id"] for m in held], "seen_by_human")
    status = "opted_out" if conversation.status == "opted_out" else "bot"
    return await convs.update_conversation(platform.db, tenant_id, conversation_id, status=status, paused_until=None)


async def human_reply(
    platform: Platform, tenant_id: str, conversation_id: str, text: str
) -> tuple[convs.Message, SendOutcome] | None:
    """An owner's answer: sent through the channel, and the conversation stays with the person."""
    conversation = await convs.get_conversation(platform.db, tenant_id, conversation_id)
    if conversation is None:
        return None
    account = await find_by_platform_account(platform.db, conversation.platform, conversation.account_id)
    if account is None or account.tenant_id != tenant_id:
        raise HandoffError(409, "channel_disconnected", "the channel of this conversation is no longer connected")
    if conversation.status not in ("human", "closed", "opted_out"):
        conversation = await convs.update_conversation(platform.db, tenant_id, conversation_id, status="human", paused_until=None) or conversation
    outcome = await deliver(platform, account, conversation, text, sender="human")
    message = await convs.record_outbound(
        platform.db, tenant_id, conversation_id, sender="human", text=text, source="human",
        delivery="sent" if outcome.sent else "failed", message_id=uuid.uuid4().hex,
        platform_message_id=outcome.message_ids[0] if outcome.message_ids else "",
        error_code=outcome.error_code, error_title=outcome.detail[:300] if not outcome.sent else "",
    )
    return message, outcome
