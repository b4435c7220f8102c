"""Leads: one document per conversation with the captured fields, score, reasons, stage and next step.

Every change of score or stage also writes a `lead_events` document, so the owner sees the history.
"""

from __future__ import annotations

import uuid
from typing import Any

from pymongo import DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from bot.conversations.store import Conversation, utcnow
from bot.pipeline.lead_scoring import next_step
from bot.pipeline.types import LeadFields, LeadState

LEAD_FIELD_NAMES = tuple(LeadFields.model_fields)
STATE_COUNTERS = tuple(name for name in LeadState.model_fields if name not in ("fields", "score", "reasons", "stage"))


# `save_lead(previous=...)` default: the stored lead has not been read yet.
NOT_READ: Any = object()
# Stages only an owner's action sets; a turn never moves a lead out of them.
FINAL_STAGES = ("converted", "lost")
WRITE_ATTEMPTS = 5


def state_from_doc(doc: dict[str, Any] | None) -> LeadState:
    if not doc:
        return LeadState()
    fields = LeadFields(**{k: doc[k] for k in LEAD_FIELD_NAMES if k in doc})
    counters = {k: doc[k] for k in STATE_COUNTERS if k in doc}
    return LeadState(fields=fields, score=doc.get("score", 0), reasons=list(doc.get("score_reasons", [])),
                     stage=doc.get("stage", "new"), **counters)


async def save_lead(
    db: AsyncDatabase, conversation: Conversation, state: LeadState, *, campaign_id: str = "",
    previous: dict[str, Any] | None = NOT_READ,
) -> dict[str, Any]:
    """Store the lead after a turn. `previous` is the stored lead as the turn read it (None: there was none).

    The write only lands on the revision that was read. If an owner changed the lead meanwhile (recorded a
    sale, say), the turn's update is applied again on top of theirs, so a conversion is never undone.
    """
    tenant_id = conversation.tenant_id
    if previous is NOT_READ:
        previous = await get_lead_doc(db, tenant_id, conversation.id)
    for _ in range(WRITE_ATTEMPTS):
        doc = _lead_doc(conversation, state, campaign_id, previous)
        if await _write_over(db, doc, previous):
            break
        previous = await get_lead_doc(db, tenant_id, conversation.id)
    else:
        raise RuntimeError("the lead kept changing while it was saved")
    if previous is None or previous.get("score") != doc["score"] or previous.get("stage") != doc["stage"]:
        await _record_event(db, doc)
    return doc


def _lead_doc(conversation: Conversation, state: LeadState, campaign_id: str, previous: dict[str, Any] | None) -> dict[str, Any]:
    if previous and previous.get("stage") in FINAL_STAGES:
        state = state.model_copy(update={"stage": previous["stage"]})  # an owner's verdict stands
    now = utcnow()
    doc: dict[str, Any] = {
        "_id": previous["_id"] if previous else uuid.uuid4().hex,
        "tenant_id": conversation.tenant_id,
        "conversation_id": conversation.id,
        "platform": conversation.platform,
        "customer_id": conversation.customer_id,
        "score": int(state.score),
        "score_reasons": list(state.reasons),
        "stage": state.stage,
        "next_step": next_step(state),
        "created_at": previous["created_at"] if previous else now,
        "updated_at": now,
    }
    # Absent fields are left out, never stored as null.
    doc.update(state.fields.model_dump(exclude_none=True, exclude_defaults=True))
    doc.update({k: v for k, v in state.model_dump(include=set(STATE_COUNTERS)).items() if v not in (None, "")})
    if not doc.get("name") and conversation.customer_name:
        doc["name"] = conversation.customer_name
    campaign_id = campaign_id or (previous or {}).get("campaign_id", "")
    if campaign_id:
        doc["campaign_id"] = campaign_id
    for kept in ("value_cents", "currency", "converted_at"):
        if previous and kept in previous:
            doc[kept] = previous[kept]
    return doc


async def _write_over(db: AsyncDatabase, doc: dict[str, Any], previous: dict[str, Any] | None) -> bool:
    """Write `doc` as the next revision of `previous` (None: as the first); False if that is no longer current."""
    if previous is None:
        doc["revision"] = 1
        try:
            await db.leads.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True
    query: dict[str, Any] = {"_id": previous["_id"], "tenant_id": doc["tenant_id"]}
    if "revision" in previous:
        query["revision"] = previous["revision"]
    doc["revision"] = previous.get("revision", 0) + 1
    # A whole-document replace: dates written by `$set` come back as strings from the embedded server.
    result = await db.leads.replace_one(query, doc)
    return result.matched_count == 1


async def _record_event(db: AsyncDatabase, lead: dict[str, Any]) -> None:
    await db.lead_events.insert_one({
        "_id": uuid.uuid4().hex, "tenant_id": lead["tenant_id"], "lead_id": lead["_id"], "at": lead["updated_at"],
        "score": lead.get("score", 0), "stage": lead["stage"], "reasons": lead.get("score_reasons", []),
    })


async def get_lead_doc(db: AsyncDatabase, tenant_id: str, conversation_id: str) -> dict[str, Any] | None:
    return await db.leads.find_one({"tenant_id": tenant_id, "conversation_id": conversation_id})


async def list_lead_docs(db: AsyncDatabase, tenant_id: str, *, stage: str = "", limit: int = 500) -> list[dict[str, Any]]:
    query: dict[str, Any] = {"tenant_id": tenant_id}
    if stage:
        query["stage"] = stage
    cursor = db.leads.find(query).sort("score", DESCENDING).limit(limit)
    return [doc async for doc in cursor]


async def lead_history(db: AsyncDatabase, tenant_id: str, lead_id: str) -> list[dict[str, Any]]:
    cursor = db.lead_events.find({"tenant_id": tenant_id, "lead_id": lead_id}).sort("at", 1)
    return [doc async for doc in cursor]


async def set_stage(db: AsyncDatabase, tenant_id: str, conversation_id: str, stage: str, **fields: Any) -> dict[str, Any] | None:
    for _ in range(WRITE_ATTEMPTS):
        previous = await get_lead_doc(db, tenant_id, conversation_id)
        if previous is None:
            return None
        lead = {**previous, "stage": stage, "updated_at": utcnow(), **{k: v for k, v in fields.items() if v is not None}}
        if await _write_over(db, lead, previous):
            await _record_event(db, lead)
            return lead
    raise RuntimeError("the lead kept changing while its stage was set")


def lead_to_api(doc: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in doc.items() if k not in ("_id", "tenant_id", "revision", "value_cents", "created_at", "updated_at")}
    out["id"] = doc["_id"]
    for name in ("name", "email", "phone"):
        out.setdefault(name, "")
    out["value"] = doc["value_cents"] / 100 if "value_cents" in doc else 0
    out["created_at"] = doc["created_at"].isoformat() if "created_at" in doc else ""
    out["updated_at"] = doc["updated_at"].isoformat() if "updated_at" in doc else ""
    if "converted_at" in doc:
        out["converted_at"] = doc["converted_at"].isoformat()
    return out
