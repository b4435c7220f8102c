"""Telling Meta which ads sell: Conversions API events for business messaging, through a durable outbox.

A qualified lead (`LeadSubmitted`) and a recorded sale (`Purchase`, with value and currency) of a conversation an
ad started are written to `capi_events` at once, in the same request or turn that made them. A chore every worker
runs (`bot/runtime/housekeeping.py`) sends what is due, one event per request, so one event Meta refuses cannot
take others with it. A failure Meta may get over (unreachable, 5xx, 429, a timeout) is tried again with growing
pauses; the record stays, with Meta's last answer, whatever the outcome, and survives any restart. Every event has
an `event_id`, so a resend after an unanswered request is counted once by Meta. An event older than 7 days is never
sent: Meta refuses a whole request for one such event.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from bot.sales.attribution import ConversationSource
from bot.sales.conversation_ref import ConversationRef
from channels.crypto import TokenCipher, TokenDecryptError
from channels.graph import GraphClient, GraphError
from knowledge.db import Db

log = logging.getLogger(__name__)

EventName = Literal["LeadSubmitted", "Purchase"]
EventState = Literal["pending", "sent", "failed", "expired"]

# Meta: "If any event_time in data is greater than 7 days in the past, we return an error for the entire request."
# A minute's margin, so an event is not refused for the seconds the request takes.
MAX_EVENT_AGE = timedelta(days=7) - timedelta(minutes=1)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
BATCH = 50
PARTNER_AGENT = "salesbot"
MESSAGING_CHANNELS = {"facebook": "messenger", "instagram": "instagram", "whatsapp": "whatsapp"}


class ConversionsSettingsIn(BaseModel):
    """The owner's Meta dataset and a token allowed to send events to it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    dataset_id: str = Field(min_length=1, max_length=32, pattern=r"^[0-9]+$", description="the dataset (pixel) id, digits")
    access_token: str = Field(
        default="", max_length=1000, description="a token with access to the dataset; empty keeps the stored one"
    )
    test_event_code: str = Field(default="", max_length=64, pattern=r"^[A-Za-z0-9_-]*$", description="Events Manager's test code")
    whatsapp_business_account_id: str = Field(
        default="", max_length=32, pattern=r"^[0-9]*$", description="needed for events of WhatsApp conversations"
    )


class ConversionsSettings(BaseModel):
    dataset_id: str
    token_encrypted: str
    test_event_code: str = ""
    whatsapp_business_account_id: str = ""


def user_data(
    conversation: ConversationRef, source: ConversationSource, settings: ConversionsSettings
) -> tuple[dict[str, str], str]:
    """What Meta needs to tie the event to the customer on their channel, or why it cannot be sent. These ids are
    sent as they are: Meta matches them unhashed."""
    if conversation.platform == "facebook":
        return {"page_id": conversation.account_id, "page_scoped_user_id": conversation.customer_id}, ""
    if conversation.platform == "instagram":
        return {"ig_account_id": conversation.account_id, "ig_sid": conversation.customer_id}, ""
    if not settings.whatsapp_business_account_id:
        return {}, "the WhatsApp Business Account id is missing in the Conversions API settings"
    if not source.ctwa_clid:
        return {}, "WhatsApp did not send the ad's click id for this conversation"
    return {
        "whatsapp_business_account_id": settings.whatsapp_business_account_id,
        "ctwa_clid": source.ctwa_clid,
    }, ""


def event_item(
    conversation: ConversationRef,
    source: ConversationSource,
    settings: ConversionsSettings,
    *,
    event_id: str,
    name: EventName,
    at: datetime,
    value: float | None = None,
    currency: str = "",
) -> tuple[dict[str, Any], str]:
    """One entry of the request's `data` (pure), and why it cannot go ("" when it can)."""
    users, problem = user_data(conversation, source, settings)
    item: dict[str, Any] = {
        "event_name": name,
        "event_time": int(at.timestamp()),
        "event_id": event_id,
        "action_source": "business_messaging",
        "messaging_channel": MESSAGING_CHANNELS[conversation.platform],
        "user_data": users,
    }
    if name == "Purchase":
        item["custom_data"] = {"currency": currency, "value": value}
    return item, problem


def too_old(event_time: int, now: datetime) -> bool:
    return now - datetime.fromtimestamp(event_time, now.tzinfo) > MAX_EVENT_AGE


def next_try(attempts: int, now: datetime) -> datetime:
    """After the n-th failed attempt: 1, 2, 4 … minutes, at most 6 hours."""
    return now + min(FIRST_RETRY * (1 << max(0, attempts - 1)), LONGEST_RETRY)


def event_id_for(tenant_id: str, key: str) -> str:
    return "ev_" + hashlib.sha256(f"{tenant_id}\0{key}".encode()).hexdigest()[:32]


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


async def save_settings(db: Db, cipher: TokenCipher, tenant_id: str, data: ConversionsSettingsIn, now: datetime) -> bool:
    """Store the settings (the token encrypted); False when no token was given and none is stored yet."""
    stored = await db.conversions_settings.find_one({"_id": tenant_id})
    if data.access_token:
        token_encrypted = cipher.encrypt(data.access_token)
    elif stored:
        token_encrypted = stored["token_encrypted"]
    else:
        return False
    doc = {
        "_id": tenant_id,
        "tenant_id": tenant_id,
        "dataset_id": data.dataset_id,
        "token_encrypted": token_encrypted,
        "test_event_code": data.test_event_code,
        "whatsapp_business_account_id": data.whatsapp_business_account_id,
        "updated_at": now,
    }
    await db.conversions_settings.replace_one({"_id": tenant_id}, doc, upsert=True)
    return True


async def get_settings(db: Db, tenant_id: str) -> ConversionsSettings | None:
    doc = await db.conversions_settings.find_one({"_id": tenant_id, "tenant_id": tenant_id})
    return ConversionsSettings.model_validate(doc) if doc else None


async def queue_event(
    db: Db,
    conversation: ConversationRef,
    *,
    source: ConversationSource | None = None,
    key: str,
    name: EventName,
    at: datetime,
    value: float | None = None,
    currency: str = "",
) -> bool:
    """Keep the event for sending when the conversation came from an ad and the business set the API up; once
    per `key` (a lead's qualification, a sale's id). `source` is the attribution when it is newer than the
    conversation's copy. True when it was queued now."""
    source = source or conversation.source
    if source.kind != "ad":
        return False
    settings = await get_settings(db, conversation.tenant_id)
    if settings is None:
        return False
    event_id = event_id_for(conversation.tenant_id, key)
    item, problem = event_item(
        conversation, source, settings, event_id=event_id, name=name, at=at, value=value, currency=currency
    )
    doc: dict[str, Any] = {
        "_id": event_id,
        "tenant_id": conversation.tenant_id,
        "conversation_id": conversation.id,
        "ad_id": source.ad_id,
        "event_name": name,
        "item": item,
        "state": "failed" if problem else "pending",
        "attempts": 0,
        "next_try_ms": _ms(at),
        "created_ms": _ms(at),
        "error": problem,
    }
    try:
        await db.capi_events.insert_one(doc)
    except DuplicateKeyError:
        return False
    return True


async def send_due_events(db: Db, cipher: TokenCipher, graph: GraphClient, now: datetime) -> int:
    """Send the events whose time has come (any business); how many Meta took."""
    due = db.capi_events.find({"state": "pending", "next_try_ms": {"$lte": _ms(now)}}).sort("next_try_ms", ASCENDING).limit(BATCH)
    settings: dict[str, ConversionsSettings | None] = {}
    taken = 0
    async for event in due:
        tenant_id = event["tenant_id"]
        if tenant_id not in settings:
            settings[tenant_id] = await get_settings(db, tenant_id)
        taken += await _send_one(db, cipher, graph, settings[tenant_id], event, now)
    return taken


async def _send_one(
    db: Db,
    cipher: TokenCipher,
    graph: GraphClient,
    settings: ConversionsSettings | None,
    event: dict[str, Any],
    now: datetime,
) -> int:
    if settings is None:
        await _settle(db, event, "failed", now, error="the Conversions API settings were removed")
        return 0
    if too_old(event["item"]["event_time"], now):
        await _settle(db, event, "expired", now, error="older than 7 days, which Meta no longer accepts")
        return 0
    body: dict[str, Any] = {"data": [event["item"]], "partner_agent": PARTNER_AGENT}
    if settings.test_event_code:
        body["test_event_code"] = settings.test_event_code
    attempts = int(event.get("attempts", 0)) + 1
    try:
        token = cipher.decrypt(settings.token_encrypted)
    except TokenDecryptError:  # the secret key changed since the token was saved
        await _settle(db, event, "failed", now, error="the stored access token cannot be read; enter it again", attempts=attempts)
        return 0
    try:
        answer = await graph.post(f"/{settings.dataset_id}/events", json=body, token=token)
    except GraphError as error:
        meta = {"status": error.http_status, "code": error.code, "message": error.message[:300]}
        if error.transient and attempts < MAX_ATTEMPTS:
            retry_at = next_try(attempts, now)
            await _settle(db, event, "pending", now, error=error.message[:300], answer=meta, attempts=attempts, retry_at=retry_at)
        else:
            await _settle(db, event, "failed", now, error=error.message[:300], answer=meta, attempts=attempts)
        log.warning(
            "conversion event not sent", extra={"code": error.code, "http_status": error.http_status, "attempt": attempts}
        )
        return 0
    received = int(answer.get("events_received", 0) or 0)
    kept = {"events_received": received, "fbtrace_id": str(answer.get("fbtrace_id", ""))[:64]}
    await _settle(db, event, "sent", now, answer=kept, attempts=attempts)
    return received


async def _settle(
    db: Db,
    event: dict[str, Any],
    state: EventState,
    now: datetime,
    *,
    error: str = "",
    answer: dict[str, Any] | None = None,
    attempts: int | None = None,
    retry_at: datetime | None = None,
) -> None:
    fields: dict[str, Any] = {"state": state, "error": error, "tried_ms": _ms(now)}
    if answer is not None:
        fields["answer"] = answer
    if attempts is not None:
        fields["attempts"] = attempts
    if retry_at is not None:
        fields["next_try_ms"] = _ms(retry_at)
    await db.capi_events.update_one({"_id": event["_id"], "tenant_id": event["tenant_id"]}, {"$set": fields})


@dataclass(frozen=True)
class ConversionEvent:
    """An event queued for Meta: `item` is the `data` entry as it goes to Meta (never the token), `answer` Meta's
    last answer (empty until Meta answered)."""

    id: str
    event_name: str
    conversation_id: str
    ad_id: str
    state: EventState
    item: dict[str, Any]
    attempts: int
    answer: dict[str, Any]
    error: str


def _event(doc: dict[str, Any]) -> ConversionEvent:
    return ConversionEvent(
        id=doc["_id"],
        event_name=doc.get("event_name", ""),
        conversation_id=doc.get("conversation_id", ""),
        ad_id=doc.get("ad_id", ""),
        state=doc.get("state", "pending"),
        item=doc.get("item", {}),
        attempts=int(doc.get("attempts", 0)),
        answer=doc.get("answer", {}),
        error=doc.get("error", ""),
    )


async def list_events(db: Db, tenant_id: str, *, limit: int = 200) -> list[ConversionEvent]:
    """The tenant's events, newest first."""
    cursor = db.capi_events.find({"tenant_id": tenant_id}).sort("created_ms", -1).limit(limit)
    return [_event(doc) async for doc in cursor]
