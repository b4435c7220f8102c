"""Recording a sale: converts the lead, counts once per idempotency key, feeds revenue counters."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError
from pymongo.errors import DuplicateKeyError

from bot.outbound_webhooks.outbox import emit
from bot.outbound_webhooks.payloads import SaleData
from bot.sales.conversation_ref import ConversationRef
from bot.sales.conversions_api import queue_event
from bot.sales.counters import bump_daily, day_of
from bot.sales.leads import get_lead, mark_converted
from knowledge.db import Db
from knowledge.models import ISO_CURRENCIES, to_major, to_minor


@dataclass(frozen=True)
class Conversion:
    """A recorded sale: its value in the currency's minor units."""

    id: str
    conversation_id: str
    platform: str
    campaign_id: str  # "" when the sale belongs to no campaign
    value_minor: int
    currency: str
    at: datetime


def conversion_from_doc(doc: dict[str, Any]) -> Conversion:
    return Conversion(
        id=doc["_id"],
        conversation_id=doc["conversation_id"],
        platform=doc["platform"],
        campaign_id=doc.get("campaign_id", ""),
        value_minor=int(doc["value_minor"]),
        currency=doc["currency"],
        at=doc["at"],
    )


class ConversionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: float = Field(ge=0, le=100_000_000)
    currency: str = Field(default="", max_length=3, description="ISO 4217 code; the tenant's usual currency when empty")
    campaign_id: str = Field(
        default="", max_length=64, description="the campaign the sale belongs to; the conversation's when empty"
    )
    idempotency_key: str = Field(
        default="", max_length=200, description="the same key counts the sale once (also as an Idempotency-Key header)"
    )

    @field_validator("currency")
    @classmethod
    def _iso(cls, value: str) -> str:
        if value and value.upper() not in ISO_CURRENCIES:
            raise PydanticCustomError("currency_code", "must be an ISO 4217 currency code such as USD or EUR")
        return value.upper()


def conversion_id(
    tenant_id: str, conversation_id: str, data: ConversionIn, currency: str, value_minor: int, day: str, idempotency_key: str = ""
) -> str:
    """Without a key, the same sale posted twice on one day (same conversation, value, currency) counts once."""
    raw_key = idempotency_key or data.idempotency_key or f"{conversation_id}:{value_minor}:{currency}:{day}"
    return "cv_" + hashlib.sha256(f"{tenant_id}\0{raw_key}".encode()).hexdigest()[:32]


async def record_conversion(
    db: Db,
    conversation: ConversationRef,
    data: ConversionIn,
    *,
    now: datetime,
    zone: ZoneInfo,
    default_currency: str = "USD",
    idempotency_key: str = "",
) -> tuple[Conversion, bool]:
    """Returns the conversion and whether it was new (False: this sale was recorded before)."""
    tenant_id = conversation.tenant_id
    currency = data.currency or default_currency
    value_minor = to_minor(data.value, currency)
    campaign_id = data.campaign_id or conversation.campaign_id
    day = day_of(now, zone)
    doc: dict[str, Any] = {
        "_id": conversion_id(tenant_id, conversation.id, data, currency, value_minor, day, idempotency_key),
        "tenant_id": tenant_id,
        "conversation_id": conversation.id,
        "platform": conversation.platform,
        "value_minor": value_minor,
        "currency": currency,
        "at": now,
        "day": day,
    }
    if campaign_id:
        doc["campaign_id"] = campaign_id
    try:
        await db.conversions.insert_one(doc)
    except DuplicateKeyError:
        existing = await db.conversions.find_one({"_id": doc["_id"], "tenant_id": tenant_id}) or doc
        # A sale posted again after a process died between recording it and telling the CRM is told now; the
        # event's id is the sale's, so a CRM told before sees the same event and drops it.
        lead = await get_lead(db, tenant_id, conversation.id)
        await tell_crm_of_sale(db, conversation, existing, lead_id=lead.id if lead else "", now=now)
        return conversion_from_doc(existing), False
    await bump_daily(
        db,
        tenant_id,
        day=day,
        platform=conversation.platform,
        campaign_id=campaign_id,
        currency=currency,
        conversions=1,
        revenue_cents=value_minor,
    )
    lead = await mark_converted(db, tenant_id, conversation.id, value_cents=value_minor, currency=currency, now=now)
    await tell_crm_of_sale(db, conversation, doc, lead_id=lead.id if lead else "", now=now)
    await queue_event(
        db, conversation, key=doc["_id"], name="Purchase", at=now, value=to_major(value_minor, currency), currency=currency
    )
    return conversion_from_doc(doc), True


async def tell_crm_of_sale(db: Db, conversation: ConversationRef, doc: dict[str, Any], *, lead_id: str, now: datetime) -> None:
    sale = SaleData(
        sale_id=doc["_id"],
        conversation_id=conversation.id,
        lead_id=lead_id,
        platform=conversation.platform,
        customer_id=conversation.customer_id,
        campaign_id=doc.get("campaign_id", ""),
        amount=to_major(doc["value_minor"], doc["currency"]),
        currency=doc["currency"],
    )
    await emit(db, conversation.tenant_id, "sale.recorded", f"sale:{doc['_id']}", sale, now)
