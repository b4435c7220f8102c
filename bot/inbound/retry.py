"""The owner's Retry on a conversation whose reply did not reach the customer: the kept message sent again, or
(when none was kept: the bot never got to write one) the given-up delivery put back on the queue.

Exactly once: the retry is claimed on the conversation (failed → pending) before anything is sent, so a double
click or a second tab gets "nothing to retry"; and it runs under the conversation's lock, so no worker answers the
same conversation meanwhile.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

import redis.asyncio as aioredis

from bot.conversations import messages as msgs
from bot.conversations import undelivered
from bot.conversations.handoff import count_person_answer
from bot.conversations.records import Conversation, Delivery, InboundState, Message
from bot.conversations.sending import ReplySender, SendOutcome
from bot.inbound.locks import ConversationBusy, conversation_lock
from bot.inbound.stream import InboundStream
from bot.sales.counters import bump_daily, day_of
from channels.accounts import find_by_platform_account
from knowledge.db import Db
from knowledge.domain_errors import Refused

log = logging.getLogger(__name__)

# An owner waits for the answer: a conversation a worker is answering right now is not waited for long.
LOCK_WAIT_S = 10.0

Result = Literal["sent", "failed", "queued"]


class RetryRefused(Refused):
    """Nothing to retry, or it cannot be retried now."""


@dataclass(frozen=True)
class RetryOutcome:
    result: Result
    outcome: SendOutcome | None = None  # the send, when a kept message was sent again


def _kept(record: Message) -> bool:
    return record.direction == "out" and record.delivery in (Delivery.failed, Delivery.retrying)


async def retry_delivery(
    db: Db,
    redis: aioredis.Redis,
    inbound: InboundStream,
    sender: ReplySender,
    tenant_id: str,
    conversation_id: str,
    *,
    now: datetime,
    zone: ZoneInfo,
) -> RetryOutcome:
    """Retry a failed conversation's reply once. RetryRefused when there is nothing to retry (never failed, already
    retried, or being answered right now)."""
    claimed = await undelivered.claim_retry(db, tenant_id, conversation_id)
    if claimed is None:
        raise RetryRefused("nothing_to_retry")
    try:
        async with conversation_lock(redis, conversation_id, wait_s=LOCK_WAIT_S):
            return await _retry(db, inbound, sender, claimed, now=now, zone=zone)
    except ConversationBusy:
        await undelivered.give_back_retry(db, claimed)
        raise RetryRefused("busy") from None
    except BaseException:
        await undelivered.give_back_retry(db, claimed)
        raise


async def _retry(
    db: Db, inbound: InboundStream, sender: ReplySender, conversation: Conversation, *, now: datetime, zone: ZoneInfo
) -> RetryOutcome:
    tenant_id = conversation.tenant_id
    record = await msgs.get_message(db, tenant_id, conversation.failed_message_id) if conversation.failed_message_id else None
    if record is None or not _kept(record):
        if conversation.deadletter_id and await inbound.replay_dead_letter(conversation.deadletter_id):
            # The bot never wrote a reply: its delivery goes back on the queue and a worker answers as usual.
            log.info("a given-up delivery put back on the queue by its owner")
            return RetryOutcome("queued")
        await undelivered.note_delivered(db, conversation)  # nothing is left to send: do not show it as failing
        raise RetryRefused("nothing_left_to_retry")
    account = await find_by_platform_account(db, conversation.platform, conversation.account_id)
    if account is None or account.tenant_id != tenant_id:
        await undelivered.give_back_retry(db, conversation)
        raise RetryRefused("channel_disconnected")
    outcome = await sender.resend_reply(account, record, keep_trying=False)
    if not outcome.recorded and not outcome.sent and not outcome.problem:
        await undelivered.give_back_retry(db, conversation)
        raise RetryRefused("person_has_it")
    if outcome.sent:
        await _count_answer(db, conversation, record, now=now, zone=zone)
    return RetryOutcome("sent" if outcome.sent else "failed", outcome)


async def _count_answer(db: Db, conversation: Conversation, record: Message, *, now: datetime, zone: ZoneInfo) -> None:
    """A late answer counts as the answer it is: the customer's messages it answers, and the day's counters."""
    if record.sender == "human":
        await count_person_answer(db, conversation, now=now, zone=zone)
        return
    waiting = await db.messages.find(
        {
            "tenant_id": conversation.tenant_id,
            "conversation_id": conversation.id,
            "state": InboundState.pending.value,
            "at": {"$lte": record.at},
        },
        {"_id": 1},
    ).to_list(None)
    if waiting:
        await msgs.mark_inbound(db, conversation.tenant_id, [m["_id"] for m in waiting], InboundState.answered)
    await bump_daily(
        db,
        conversation.tenant_id,
        {"messages_out": 1, "messages_answered": len(waiting)},
        day=day_of(now, zone),
        platform=conversation.platform,
        campaign_id=conversation.campaign_id,
    )
