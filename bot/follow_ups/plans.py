"""A conversation's planned nudge, kept on the conversation in MongoDB (so it survives any restart), and the claim
by which exactly one worker takes a due one.

The plan is the conversation's `follow_up_*` fields; `follow_up_due_ms` is indexed (sparse: only planned
conversations have it), so every worker's look for due nudges is one small range read. A worker claims a due nudge
by moving its due time a lease ahead in one conditional write on the plan's id and due time: of several workers
reading the same nudge, one write matches. A worker that dies holding a claim leaves the nudge due again when the
lease ends, and the send's stored reply (its id derived from the plan's id) keeps a second worker from sending it
twice.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.clock import zone_of
from bot.conversations.records import Conversation, to_ms
from bot.follow_ups.decisions import Planned
from bot.sales.counters import bump_daily, day_of
from knowledge.db import Db

PLAN_FIELDS = (
    "follow_up_due",
    "follow_up_kind",
    "follow_up_step",
    "follow_up_id",
    "follow_up_template",
    "follow_up_language",
    "follow_up_from",
)
# How long a claimed nudge is its worker's: a send, its pacing and Meta's retries fit well inside it.
LEASE_MS = 60_000


@dataclass(frozen=True)
class Due:
    tenant_id: str
    conversation_id: str
    follow_up_id: str
    due_ms: int  # when it was due (before the claim moved it): how late it fires is measured from here


async def plan(
    db: Db,
    conversation: Conversation,
    *,
    step: int,
    kind: str,
    planned: Planned,
    language: str,
    replied_at: datetime,
    replacing: str = "",
) -> str:
    """Store the nudge on the conversation, replacing any earlier plan (only the plan `replacing`, when given: a
    customer who wrote meanwhile dropped it, and no later nudge follows); its id, "" when nothing was stored."""
    follow_up_id = uuid.uuid4().hex
    fields = {
        "follow_up_due_ms": to_ms(planned.due_at),
        "follow_up_kind": kind,
        "follow_up_step": step,
        "follow_up_id": follow_up_id,
        "follow_up_template": planned.template,
        "follow_up_language": language,
        "follow_up_from_ms": to_ms(replied_at),
    }
    which: dict[str, Any] = {"_id": conversation.id, "tenant_id": conversation.tenant_id}
    if replacing:
        which["follow_up_id"] = replacing
    result = await db.conversations.update_one(which, {"$set": fields})
    return follow_up_id if result.matched_count == 1 else ""


def _unset() -> dict[str, str]:
    return {(f"{name}_ms" if name in ("follow_up_due", "follow_up_from") else name): "" for name in PLAN_FIELDS}


async def cancel(db: Db, tenant_id: str, conversation_id: str) -> bool:
    """Drop the conversation's planned nudge; True when there was one."""
    result = await db.conversations.update_one(
        {"_id": conversation_id, "tenant_id": tenant_id, "follow_up_due_ms": {"$gt": 0}}, {"$unset": _unset()}
    )
    return result.modified_count == 1


async def finish(db: Db, tenant_id: str, conversation_id: str, follow_up_id: str) -> None:
    """Drop this plan, if it is still the conversation's (a newer one stays)."""
    await db.conversations.update_one(
        {"_id": conversation_id, "tenant_id": tenant_id, "follow_up_id": follow_up_id}, {"$unset": _unset()}
    )


async def claim_due(db: Db, now: datetime, *, limit: int = 200, lease_ms: int = LEASE_MS) -> list[Due]:
    """The nudges due by `now` this worker won, each held for `lease_ms`."""
    now_ms = to_ms(now)
    cursor = (
        db.conversations.find(
            {"follow_up_due_ms": {"$lte": now_ms}}, {"_id": 1, "tenant_id": 1, "follow_up_id": 1, "follow_up_due_ms": 1}
        )
        .sort("follow_up_due_ms", 1)
        .limit(limit)
    )
    found = await cursor.to_list(None)

    async def claim(doc: dict[str, Any]) -> Due | None:
        follow_up_id, due_ms = doc.get("follow_up_id", ""), doc["follow_up_due_ms"]
        result = await db.conversations.update_one(
            {"_id": doc["_id"], "follow_up_id": follow_up_id, "follow_up_due_ms": due_ms},
            {"$set": {"follow_up_due_ms": now_ms + lease_ms}},
        )
        return Due(doc["tenant_id"], doc["_id"], follow_up_id, due_ms) if result.modified_count == 1 else None

    claims = await asyncio.gather(*(claim(doc) for doc in found))
    return [due for due in claims if due is not None]


async def note_sent(db: Db, conversation: Conversation, *, at: datetime, timezone: str) -> None:
    """A nudge reached the customer: counted on the conversation and in the day's counters."""
    await db.conversations.update_one(
        {"_id": conversation.id, "tenant_id": conversation.tenant_id},
        {
            "$inc": {"follow_ups_sent": 1},
            "$set": {"follow_up_sent_at_ms": to_ms(at), "follow_up_answered": False},
            "$max": {"last_message_at_ms": to_ms(at)},  # the inbox sorts it by its newest message
        },
    )
    await _count(db, conversation, at, timezone, follow_ups_sent=1, messages_out=1)


async def note_customer_wrote(db: Db, conversation: Conversation, *, at: datetime, timezone: str) -> None:
    """The customer wrote: a planned nudge is dropped, and a first message after a nudge counts as its reply."""
    if conversation.follow_up_due is not None:
        await cancel(db, conversation.tenant_id, conversation.id)
    sent_at = conversation.follow_up_sent_at
    if sent_at is None or conversation.follow_up_answered or at < sent_at:
        return
    result = await db.conversations.update_one(
        {"_id": conversation.id, "tenant_id": conversation.tenant_id, "follow_up_answered": {"$nin": [True]}},
        {"$set": {"follow_up_answered": True}},
    )
    if result.modified_count == 1:
        await _count(db, conversation, at, timezone, follow_up_replies=1)


async def note_sale(db: Db, conversation: Conversation, *, at: datetime, timezone: str) -> None:
    """A sale recorded after a nudge was sent in the conversation counts as a sale after a nudge; a planned nudge
    is dropped (nothing is sent after a sale)."""
    await cancel(db, conversation.tenant_id, conversation.id)
    if conversation.follow_ups_sent and conversation.follow_up_sent_at is not None and conversation.follow_up_sent_at <= at:
        await _count(db, conversation, at, timezone, follow_up_sales=1)


async def _count(db: Db, conversation: Conversation, at: datetime, timezone: str, **counts: int) -> None:
    """Add to the day's counters of the conversation's campaign and channel, the day as the business lives it."""
    await bump_daily(
        db,
        conversation.tenant_id,
        counts,
        day=day_of(at, zone_of(timezone)),
        platform=conversation.platform,
        campaign_id=conversation.campaign_id,
    )
