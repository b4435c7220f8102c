"""Campaigns: the tenant's structured catalog (one product each, its chat flow, where and whether it runs).

Stored with money as integer minor units plus an ISO code; objection handling is stored as two parallel
lists because owners' objections ("Is it worth $49?") are not safe MongoDB field names.
"""

from __future__ import annotations

import uuid
from typing import Any

from knowledge.chunking import split_text
from knowledge.db import Db
from knowledge.models import (
    Audience,
    Campaign,
    CampaignIn,
    CampaignStatus,
    ChatFlow,
    CommentRules,
    CustomPeriod,
    FollowUp,
    Passage,
    Product,
    minor_digits,
    period_value,
    to_minor,
)
from knowledge.money import format_price
from knowledge.store import CAMPAIGNS, as_utc, now
from knowledge.versions import bump_version

_ORDER = [("created_at", 1), ("_id", 1)]


def campaign_source(campaign_id: str) -> str:
    return f"campaign:{campaign_id}"


def _product_doc(data: CampaignIn) -> dict[str, Any]:
    product = data.product
    doc: dict[str, Any] = {
        "name": product.name,
        "description": product.description,
        "price_cents": to_minor(product.price, product.currency),
        "currency": product.currency,
        "minor_digits": minor_digits(product.currency),
        "billing_period": period_value(product.billing_period),
        "features": list(product.features),
    }
    if product.call_to_action_url is not None:
        doc["cta_url"] = str(product.call_to_action_url)
    return doc


def _chat_flow_doc(flow: ChatFlow) -> dict[str, Any]:
    return {
        "greeting": flow.greeting,
        "qualification_questions": list(flow.qualification_questions),
        "objections": list(flow.objection_handling.keys()),
        "objection_answers": list(flow.objection_handling.values()),
        "closing_message": flow.closing_message,
    }


def _campaign_doc(tenant_id: str, campaign_id: str, data: CampaignIn, created_at: Any, updated_at: Any) -> dict[str, Any]:
    doc = {
        "_id": campaign_id,
        "tenant_id": tenant_id,
        "name": data.name,
        "product": _product_doc(data),
        "target_platform": data.target_platform.value,
        "chat_flow": _chat_flow_doc(data.chat_flow),
        "target_audience": data.target_audience.model_dump(),
        "status": data.status.value,
        "created_at": created_at,
        "updated_at": updated_at,
    }
    # Nothing is stored as null: a campaign without comment rules has no such key (documents are replaced whole).
    if data.comment_rules:
        doc["comment_rules"] = data.comment_rules.model_dump()
    if data.follow_ups:
        doc["follow_ups"] = [follow_up.model_dump(exclude_none=True) for follow_up in data.follow_ups]
    return doc


# Minor units stored before they came from CLDR: these currencies were kept in hundredths then.
_LEGACY_DIGITS = {"KWD": 2, "BHD": 2, "OMR": 2, "JOD": 2, "TND": 2, "LYD": 2, "IQD": 2}


def _product(doc: dict[str, Any]) -> Product:
    """The stored product; a price kept in another minor unit than the currency's is brought to it."""
    fields = {key: value for key, value in doc.items() if key != "minor_digits"}
    currency = fields.get("currency", "")
    stored_digits = doc.get("minor_digits", _LEGACY_DIGITS.get(currency, minor_digits(currency)))
    shift = minor_digits(currency) - stored_digits
    if shift:
        fields["price_cents"] = int(fields["price_cents"] * 10**shift) if shift > 0 else round(fields["price_cents"] / 10**-shift)
    return Product.model_validate(fields)


def _audience(stored: Any) -> Audience:
    """The stored audience: a sub-document, or one sentence from before audiences were structured."""
    try:
        return Audience.model_validate(stored or {})
    except ValueError:
        return Audience()


def _campaign(doc: dict[str, Any]) -> Campaign:
    flow = doc.get("chat_flow", {})
    audience = _audience(doc.get("target_audience"))
    return Campaign(
        id=doc["_id"],
        tenant_id=doc["tenant_id"],
        name=doc["name"],
        product=_product(doc["product"]),
        target_platform=doc["target_platform"],
        chat_flow=ChatFlow(
            greeting=flow.get("greeting", ""),
            qualification_questions=flow.get("qualification_questions", []),
            objection_handling=dict(zip(flow.get("objections", []), flow.get("objection_answers", []), strict=False)),
            closing_message=flow.get("closing_message", ""),
        ),
        audience=audience,
        target_audience=audience.describe(),
        status=doc["status"],
        created_at=as_utc(doc["created_at"]),
        updated_at=as_utc(doc["updated_at"]),
        comment_rules=CommentRules.model_validate(doc["comment_rules"]) if doc.get("comment_rules") else None,
        follow_ups=[FollowUp.model_validate(stored) for stored in doc.get("follow_ups", [])],
    )


async def create_campaign(db: Db, tenant_id: str, data: CampaignIn) -> Campaign:
    moment = now()
    doc = _campaign_doc(tenant_id, uuid.uuid4().hex, data, moment, moment)
    await db[CAMPAIGNS].insert_one(doc)
    await bump_version(db, tenant_id)
    return _campaign(doc)


async def get_campaign(db: Db, tenant_id: str, campaign_id: str) -> Campaign | None:
    doc = await db[CAMPAIGNS].find_one({"_id": campaign_id, "tenant_id": tenant_id})
    return _campaign(doc) if doc else None


async def list_campaigns(db: Db, tenant_id: str, *, status: str | None = None, platform: str | None = None) -> list[Campaign]:
    """The tenant's campaigns, oldest first; `status` and `platform` match the stored values exactly
    (platform "all" lists the campaigns that target every platform)."""
    query: dict[str, Any] = {"tenant_id": tenant_id}
    if status is not None:
        query["status"] = getattr(status, "value", status)
    if platform is not None:
        query["target_platform"] = getattr(platform, "value", platform)
    return [_campaign(doc) async for doc in db[CAMPAIGNS].find(query).sort(_ORDER)]


async def visible_campaigns(db: Db, tenant_id: str, platform: str) -> list[Campaign]:
    """The campaigns a customer on `platform` may be offered: active, and for that platform or all."""
    platform = getattr(platform, "value", platform)
    query = {
        "tenant_id": tenant_id,
        "status": CampaignStatus.active.value,
        "target_platform": {"$in": [platform, "all"]},
    }
    return [_campaign(doc) async for doc in db[CAMPAIGNS].find(query).sort(_ORDER)]


async def update_campaign(db: Db, tenant_id: str, campaign_id: str, data: CampaignIn) -> Campaign | None:
    """Replace a campaign's fields (keeping its id and creation time); None when the tenant has no such campaign."""
    existing = await db[CAMPAIGNS].find_one({"_id": campaign_id, "tenant_id": tenant_id}, {"created_at": 1})
    if existing is None:
        return None
    doc = _campaign_doc(tenant_id, campaign_id, data, existing["created_at"], now())
    result = await db[CAMPAIGNS].replace_one({"_id": campaign_id, "tenant_id": tenant_id}, doc)
    if result.matched_count == 0:  # deleted meanwhile
        return None
    await bump_version(db, tenant_id)
    return _campaign(doc)


async def set_campaign_status(db: Db, tenant_id: str, campaign_id: str, status: CampaignStatus) -> Campaign | None:
    """Activate, pause or complete a campaign and nothing else (its stored fields are kept as they are)."""
    doc = await db[CAMPAIGNS].find_one({"_id": campaign_id, "tenant_id": tenant_id})
    if doc is None:
        return None
    # A whole-document replace: a date written by `$set` comes back as a string from the embedded server.
    doc.update(status=CampaignStatus(status).value, updated_at=now())
    result = await db[CAMPAIGNS].replace_one({"_id": campaign_id, "tenant_id": tenant_id}, doc)
    if result.matched_count == 0:  # deleted meanwhile
        return None
    await bump_version(db, tenant_id)
    return _campaign(doc)


async def delete_campaign(db: Db, tenant_id: str, campaign_id: str) -> bool:
    result = await db[CAMPAIGNS].delete_one({"_id": campaign_id, "tenant_id": tenant_id})
    if result.deleted_count == 0:
        return False
    await bump_version(db, tenant_id)
    return True


def campaign_texts(campaign: Campaign) -> list[str]:
    """The owner's own words in a campaign that may carry amounts or percentages a reply can repeat."""
    product, flow = campaign.product, campaign.chat_flow
    return [
        text
        for text in (
            product.description,
            # The owner's own period may carry a number a reply repeats ("per pack of 10 classes").
            product.billing_period.custom if isinstance(product.billing_period, CustomPeriod) else "",
            *product.features,
            *flow.objection_handling.values(),
            flow.closing_message,
        )
        if text
    ]


def campaign_passages(campaign: Campaign) -> list[Passage]:
    """The campaign as retrievable passages: overview with price, features, objection answers, closing."""
    product, flow = campaign.product, campaign.chat_flow
    price = format_price(product)
    texts: list[str] = []
    overview = " ".join(
        part
        for part in (
            f"{campaign.name}: {product.name}." if product.name != campaign.name else f"{product.name}.",
            product.description,
            f"Price of {product.name}: {price}.",
            f"For: {campaign.target_audience}" if campaign.target_audience else "",
        )
        if part
    )
    texts.extend(split_text(overview))
    if product.features:
        texts.extend(split_text(f"{product.name} features: " + "; ".join(product.features) + "."))
    for objection, answer in flow.objection_handling.items():
        texts.extend(split_text(f"{product.name}, {objection} {answer}"))
    closing = " ".join(part for part in (flow.closing_message, product.cta_url) if part)
    if closing:
        texts.extend(split_text(f"How to get {product.name}: {closing}"))
    source = campaign_source(campaign.id)
    return [Passage(text=text, source=source, title=campaign.name) for text in texts]
