"""Leads: one per conversation with the captured fields, score, reasons, stage and next step.

A lead is stored flat (captured fields beside the score) with a `revision` that guards every write: a turn
saves on the revision it read, so a sale an owner records meanwhile is kept, never undone. Every change of
score or stage also writes a `lead_events` document, so the owner sees the history.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field
from pymongo import DESCENDING
from pymongo.errors import DuplicateKeyError

from bot.outbound_webhooks.endpoints import Endpoint, list_endpoints
from bot.outbound_webhooks.outbox import emit
from bot.outbound_webhooks.payloads import LeadData
from bot.pipeline.lead_notes import LeadNote, read_note, read_notes
from bot.pipeline.lead_scoring import next_step_note
from bot.pipeline.types import LeadFields, LeadStage, LeadState
from bot.sales.attribution import ConversationSource
from bot.sales.conversation_ref import ConversationRef
from bot.sales.conversions_api import queue_event
from knowledge.db import Db
from knowledge.models import to_major

FIELD_NAMES = tuple(LeadFields.model_fields)
# What a turn counts about the customer, kept with the lead between turns.
NOT_COUNTERS = ("fields", "score", "reasons", "reason_notes", "stage", "next_step", "next_step_note")
COUNTER_NAMES = tuple(name for name in LeadState.model_fields if name not in NOT_COUNTERS)
# Stages only an owner's action sets; a turn never moves a lead out of them.
FINAL_STAGES = frozenset({LeadStage.converted, LeadStage.lost})
# Stages a qualified lead reaches: Meta is told of the lead once, when it first gets to one of them.
QUALIFIED_STAGES = frozenset({LeadStage.qualified, LeadStage.proposal, LeadStage.converted})
WRITE_ATTEMPTS = 5


class LeadChangedTooOften(RuntimeError):
    """The lead kept changing under a write `WRITE_ATTEMPTS` times in a row; the caller retries later."""


class Lead(BaseModel):
    id: str
    tenant_id: str
    conversation_id: str
    platform: str
    customer_id: str
    # What the customer told us themselves (a name only when they typed it).
    fields: LeadFields = Field(default_factory=LeadFields)
    # The name the platform shows for the customer (Graph profile, WhatsApp contact), when they gave none.
    profile_name: str = ""
    score: int = Field(default=0, ge=0, le=100)
    score_reasons: list[str] = Field(default_factory=list)
    # The reasons and next step as kinds, said in each reader's language; empty on leads stored before them.
    reason_notes: list[LeadNote] = Field(default_factory=list)
    stage: LeadStage = LeadStage.new
    next_step: str = ""
    next_step_note: LeadNote | None = None
    counters: dict[str, int | bool] = Field(default_factory=dict)
    campaign_id: str = ""
    # Copied from the conversation: the ad or comment that brought the customer.
    source: ConversationSource = Field(default_factory=ConversationSource)
    value_cents: int | None = None
    currency: str = ""
    converted_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    revision: int = 0
    # The owner's CRM events of writes not yet handed to the outbox: stored with the write itself, so a process
    # that dies before handing them over leaves them for the next write or the delivery chore (`tell_crm`).
    crm_pending: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def name(self) -> str:
        return self.fields.name or self.profile_name

    def state(self) -> LeadState:
        """The lead as the reply pipeline scores it."""
        return LeadState(
            fields=self.fields,
            score=self.score,
            reasons=list(self.score_reasons),
            reason_notes=list(self.reason_notes),
            stage=self.stage,
            next_step=self.next_step,
            next_step_note=self.next_step_note,
            **self.counters,
        )


def lead_from_doc(doc: dict[str, Any]) -> Lead:
    fields = LeadFields(**{k: doc[k] for k in FIELD_NAMES if k in doc})
    return Lead(
        id=doc["_id"],
        tenant_id=doc["tenant_id"],
        conversation_id=doc["conversation_id"],
        platform=doc.get("platform", ""),
        customer_id=doc.get("customer_id", ""),
        fields=fields,
        profile_name=doc.get("profile_name", ""),
        score=doc.get("score", 0),
        score_reasons=list(doc.get("score_reasons", [])),
        reason_notes=read_notes(doc.get("score_reason_kinds", [])),
        stage=doc.get("stage", LeadStage.new),
        next_step=doc.get("next_step", ""),
        next_step_note=read_note(doc["next_step_kind"]) if doc.get("next_step_kind") else None,
        counters={k: doc[k] for k in COUNTER_NAMES if k in doc},
        campaign_id=doc.get("campaign_id", ""),
        source=ConversationSource.model_validate(doc.get("source") or {}),
        value_cents=doc.get("value_cents"),
        currency=doc.get("currency", ""),
        converted_at=doc.get("converted_at"),
        created_at=doc["created_at"],
        updated_at=doc.get("updated_at", doc["created_at"]),
        revision=doc.get("revision", 0),
        crm_pending=list(doc.get("crm_pending", [])),
    )


def lead_to_doc(lead: Lead) -> dict[str, Any]:
    """Flat, with absent values left out (nothing is stored as null)."""
    doc: dict[str, Any] = {
        "_id": lead.id,
        "tenant_id": lead.tenant_id,
        "conversation_id": lead.conversation_id,
        "platform": lead.platform,
        "customer_id": lead.customer_id,
        "score": lead.score,
        "score_reasons": list(lead.score_reasons),
        "stage": lead.stage.value,
        "next_step": lead.next_step,
        "created_at": lead.created_at,
        "updated_at": lead.updated_at,
        "revision": lead.revision,
    }
    if lead.reason_notes:
        doc["score_reason_kinds"] = [item.model_dump() for item in lead.reason_notes]
    if lead.next_step_note is not None:
        doc["next_step_kind"] = lead.next_step_note.model_dump()
    doc.update(lead.fields.model_dump(exclude_none=True, exclude_defaults=True))
    doc.update(lead.counters)
    for name in ("profile_name", "campaign_id", "currency"):
        if value := getattr(lead, name):
            doc[name] = value
    if lead.source.kind != "message":
        doc["source"] = lead.source.stored()
    if lead.value_cents is not None:
        doc["value_cents"] = lead.value_cents
    if lead.converted_at is not None:
        doc["converted_at"] = lead.converted_at
    if lead.crm_pending:
        doc["crm_pending"] = lead.crm_pending
        doc["crm_pending_ms"] = int(lead.updated_at.timestamp() * 1000)
    return doc


def lead_after_turn(
    conversation: ConversationRef, state: LeadState, *, campaign_id: str, previous: Lead | None, now: datetime
) -> Lead:
    """The lead a turn leaves behind. An owner's verdict (converted, lost) and a recorded sale stand."""
    stage = previous.stage if previous and previous.stage in FINAL_STAGES else state.stage
    state = state.model_copy(update={"stage": stage})
    step = next_step_note(state)
    return Lead(
        id=previous.id if previous else uuid.uuid4().hex,
        tenant_id=conversation.tenant_id,
        conversation_id=conversation.id,
        platform=conversation.platform,
        customer_id=conversation.customer_id,
        fields=state.fields,
        profile_name=conversation.customer_name,
        score=max(0, min(100, int(state.score))),
        score_reasons=list(state.reasons),
        reason_notes=list(state.reason_notes),
        stage=stage,
        next_step=step.english(),
        next_step_note=step,
        counters=state.model_dump(include=set(COUNTER_NAMES)),
        campaign_id=campaign_id or (previous.campaign_id if previous else ""),
        source=conversation.source if conversation.source.kind != "message" or previous is None else previous.source,
        value_cents=previous.value_cents if previous else None,
        currency=previous.currency if previous else "",
        converted_at=previous.converted_at if previous else None,
        created_at=previous.created_at if previous else now,
        updated_at=now,
        revision=previous.revision if previous else 0,
        crm_pending=list(previous.crm_pending) if previous else [],
    )


async def save_lead_after_turn(
    db: Db,
    conversation: ConversationRef,
    state: LeadState,
    *,
    campaign_id: str,
    previous: Lead | None,
    now: datetime,
    endpoints: Callable[[], Awaitable[list[Endpoint]]] | None = None,
) -> Lead:
    """Store the lead after a turn. `previous` is the stored lead as the turn read it (None: there was none).
    `endpoints`: how the turn reads the business's webhook endpoints (by default, a read of its own).

    The write only lands on the revision that was read. If an owner changed the lead meanwhile (recorded a
    sale, say), the turn's update is applied again on top of theirs.
    """
    receivers: list[Endpoint] | None = None  # the business's endpoints, read once the write makes an event
    for _ in range(WRITE_ATTEMPTS):
        lead = lead_after_turn(conversation, state, campaign_id=campaign_id, previous=previous, now=now)
        if events := crm_events(previous, lead):
            if receivers is None:
                receivers = await (endpoints() if endpoints else list_endpoints(db, conversation.tenant_id))
            # An event no endpoint receives is not kept with the lead: handing it over would write nothing, and
            # clearing it again would cost the lead a second write.
            lead.crm_pending += received(events, receivers)
        if await _write_over(db, lead, previous):
            if previous is None or previous.score != lead.score or previous.stage != lead.stage:
                await _record_event(db, lead)
            await tell_crm(db, lead, now, endpoints=receivers)
            if became_qualified(previous, lead):
                # The lead may know the ad before this turn's copy of the conversation did (a referral stored meanwhile).
                await queue_event(
                    db, conversation, source=lead.source, key=f"lead:{conversation.id}", name="LeadSubmitted", at=now
                )
            return lead
        previous = await get_lead(db, conversation.tenant_id, conversation.id)
    raise LeadChangedTooOften("the lead kept changing while it was saved")


def lead_event_data(lead: Lead, previous_stage: str = "") -> LeadData:
    """What the owner's CRM receives of a lead: ids, the customer's contact, stage, score and what brought them."""
    return LeadData(
        lead_id=lead.id,
        conversation_id=lead.conversation_id,
        platform=lead.platform,
        customer_id=lead.customer_id,
        name=lead.name,
        email=lead.fields.email or "",
        phone=lead.fields.phone or "",
        stage=lead.stage.value,
        previous_stage=previous_stage,
        score=lead.score,
        campaign_id=lead.campaign_id,
        source=lead.source.kind,
        ad_id=lead.source.ad_id,
        value=to_major(lead.value_cents, lead.currency or "USD") if lead.value_cents is not None else 0,
        currency=lead.currency,
    )


def crm_events(previous: Lead | None, lead: Lead) -> list[dict[str, Any]]:
    """The CRM events a write from `previous` to `lead` makes (pure): `lead.created` for a new lead,
    `lead.stage_changed` when it moves; keyed by the write itself, so a write retried is one event."""
    if previous is None:
        return [{"type": "lead.created", "key": f"lead:{lead.id}:created", "data": lead_event_data(lead).model_dump(mode="json")}]
    if previous.stage == lead.stage:
        return []
    data = lead_event_data(lead, previous.stage.value).model_dump(mode="json")
    return [{"type": "lead.stage_changed", "key": f"lead:{lead.id}:stage:{previous.revision + 1}", "data": data}]


def received(events: list[dict[str, Any]], endpoints: list[Endpoint]) -> list[dict[str, Any]]:
    """The CRM events some endpoint receives (pure)."""
    return [event for event in events if any(endpoint.receives(event["type"]) for endpoint in endpoints)]


async def tell_crm(db: Db, lead: Lead, now: datetime, *, endpoints: list[Endpoint] | None = None) -> None:
    """Hand the lead's pending CRM events to the outbox (each once per key), then clear them from the revision
    written; a later revision carries them on and hands them over itself. `endpoints`: the business's endpoints
    as just read (None: read them here)."""
    if not lead.crm_pending:
        return
    for event in lead.crm_pending:
        data = LeadData.model_validate(event["data"])
        await emit(db, lead.tenant_id, event["type"], event["key"], data, now, endpoints=endpoints)
    await db.leads.update_one(
        {"_id": lead.id, "tenant_id": lead.tenant_id, "revision": lead.revision},
        {"$unset": {"crm_pending": "", "crm_pending_ms": ""}},
    )
    lead.crm_pending = []


async def tell_crm_left_over(db: Db, now: datetime, *, older_than: timedelta = timedelta(minutes=1)) -> int:
    """CRM events a process wrote with a lead but died before handing over (any business); how many leads had some."""
    cutoff = int((now - older_than).timestamp() * 1000)
    docs = await db.leads.find({"crm_pending_ms": {"$lte": cutoff}}).limit(100).to_list(100)
    for doc in docs:
        await tell_crm(db, lead_from_doc(doc), now)
    return len(docs)


def became_qualified(previous: Lead | None, lead: Lead) -> bool:
    """Whether this write is the one that made the lead qualified (or took it straight past qualification)."""
    was = previous is not None and previous.stage in QUALIFIED_STAGES
    return lead.stage in QUALIFIED_STAGES and not was


async def _write_over(db: Db, lead: Lead, previous: Lead | None) -> bool:
    """Write `lead` as the next revision of `previous` (None: as the first); False if that is no longer current."""
    if previous is None:
        lead.revision = 1
        try:
            await db.leads.insert_one(lead_to_doc(lead))
        except DuplicateKeyError:
            return False
        return True
    lead.revision = previous.revision + 1
    query: dict[str, Any] = {"_id": previous.id, "tenant_id": lead.tenant_id}
    if previous.revision:
        query["revision"] = previous.revision
    # A whole-document replace: dates written by `$set` come back as strings from the embedded server.
    result = await db.leads.replace_one(query, lead_to_doc(lead))
    return result.matched_count == 1


async def _record_event(db: Db, lead: Lead) -> None:
    await db.lead_events.insert_one(
        {
            "_id": uuid.uuid4().hex,
            "tenant_id": lead.tenant_id,
            "lead_id": lead.id,
            "at": lead.updated_at,
            "score": lead.score,
            "stage": lead.stage.value,
            "reasons": list(lead.score_reasons),
            "reason_kinds": [item.model_dump() for item in lead.reason_notes],
        }
    )


async def get_lead(db: Db, tenant_id: str, conversation_id: str) -> Lead | None:
    doc = await db.leads.find_one({"tenant_id": tenant_id, "conversation_id": conversation_id})
    return lead_from_doc(doc) if doc else None


async def list_leads(db: Db, tenant_id: str, *, stage: str = "", limit: int = 500) -> list[Lead]:
    query: dict[str, Any] = {"tenant_id": tenant_id}
    if stage:
        query["stage"] = stage
    cursor = db.leads.find(query).sort("score", DESCENDING).limit(limit)
    return [lead_from_doc(doc) async for doc in cursor]


async def lead_stages_created(
    db: Db, tenant_id: str, since: datetime, until: datetime, *, campaign_id: str = "", platform: str = ""
) -> list[str]:
    """The stage of every lead created in [since, until) (for the funnel), optionally of one campaign or platform."""
    query: dict[str, Any] = {"tenant_id": tenant_id, "created_at": {"$gte": since, "$lt": until}}
    if campaign_id:
        query["campaign_id"] = campaign_id
    if platform:
        query["platform"] = platform
    return [str(doc.get("stage", LeadStage.new.value)) async for doc in db.leads.find(query, {"stage": 1})]


async def leads_of_conversations(db: Db, tenant_id: str, conversation_ids: list[str]) -> dict[str, Lead]:
    """The leads of several conversations in one query, by conversation id."""
    if not conversation_ids:
        return {}
    cursor = db.leads.find({"tenant_id": tenant_id, "conversation_id": {"$in": conversation_ids}})
    return {doc["conversation_id"]: lead_from_doc(doc) async for doc in cursor}


async def lead_history(db: Db, tenant_id: str, lead_id: str) -> list[dict[str, Any]]:
    cursor = db.lead_events.find({"tenant_id": tenant_id, "lead_id": lead_id}).sort("at", 1)
    return [doc async for doc in cursor]


async def mark_converted(
    db: Db, tenant_id: str, conversation_id: str, *, value_cents: int, currency: str, now: datetime
) -> Lead | None:
    """An owner recorded a sale: the lead is converted, carries the sale and a next step that fits it."""
    for _ in range(WRITE_ATTEMPTS):
        previous = await get_lead(db, tenant_id, conversation_id)
        if previous is None:
            return None
        lead = previous.model_copy(deep=True)
        lead.stage = LeadStage.converted
        lead.value_cents, lead.currency, lead.converted_at, lead.updated_at = value_cents, currency, now, now
        lead.next_step_note = next_step_note(lead.state())
        lead.next_step = lead.next_step_note.english()
        lead.crm_pending += crm_events(previous, lead)
        if await _write_over(db, lead, previous):
            await _record_event(db, lead)
            await tell_crm(db, lead, now)
            return lead
    raise LeadChangedTooOften("the lead kept changing while its sale was recorded")
