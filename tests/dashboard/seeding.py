"""A tenant's history written through the engine's own stores: conversations, leads, sales and day counters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.conversations import store as convs
from bot.conversations.bot_settings import BotSettings, save_bot_settings
from bot.conversations.records import Conversation, ConversationStatus, NewConversationFields
from bot.pipeline.types import LeadFields, LeadStage, LeadState
from bot.sales.conversions import ConversionIn, record_conversion
from bot.sales.counters import bump_daily
from bot.sales.leads import save_lead_after_turn
from knowledge.campaigns import create_campaign
from knowledge.db import Db
from knowledge.models import Campaign, CampaignIn


@dataclass(frozen=True)
class FixedClock:
    at: datetime

    def now(self) -> datetime:
        return self.at


async def campaign(
    db: Db,
    tenant_id: str,
    name: str,
    product: str,
    price: float,
    *,
    currency: str = "USD",
    platform: str = "all",
    status: str = "active",
    objections: dict[str, str] | None = None,
    cta: str | None = "https://example.com/buy",
) -> Campaign:
    return await create_campaign(
        db,
        tenant_id,
        CampaignIn.model_validate(
            {
                "name": name,
                "status": status,
                "target_platform": platform,
                "product": {
                    "name": product,
                    "description": f"{product} for you",
                    "price": price,
                    "currency": currency,
                    "features": ["fast delivery"],
                    "call_to_action_url": cta,
                },
                "chat_flow": {"greeting": "Hi!", "objection_handling": objections or {}},
            }
        ),
    )


async def time_zone(db: Db, tenant_id: str, name: str) -> None:
    await save_bot_settings(db, tenant_id, BotSettings(timezone=name))


async def conversation(
    db: Db,
    tenant_id: str,
    platform: str,
    customer_id: str,
    *,
    at: datetime,
    name: str = "",
    campaign_id: str = "",
    status: ConversationStatus | None = None,
) -> Conversation:
    fields: NewConversationFields = {"campaign_id": campaign_id} if campaign_id else {}
    conv, _ = await convs.create_conversation(db, tenant_id, platform, f"acct-{platform}", customer_id, name, now=at, **fields)
    if status is not None:
        conv = await convs.update_conversation(db, tenant_id, conv.id, status=status) or conv
    return conv


async def lead(
    db: Db,
    conv: Conversation,
    *,
    at: datetime,
    stage: LeadStage = LeadStage.engaged,
    score: int = 40,
    campaign_id: str = "",
    phone: str | None = None,
    email: str | None = None,
    name: str | None = None,
    cta_sent: bool = False,
    objections: int = 0,
) -> None:
    state = LeadState(
        fields=LeadFields(phone=phone, email=email, name=name),
        score=score,
        stage=stage,
        cta_sent=cta_sent,
        objections=objections,
        reasons=[f"score {score}"],
    )
    await save_lead_after_turn(db, conv, state, campaign_id=campaign_id or conv.campaign_id, previous=None, now=at)


async def sale(db: Db, conv: Conversation, value: float, *, at: datetime, zone: str = "UTC", currency: str = "USD") -> None:
    _, new = await record_conversion(db, conv, ConversionIn(value=value, currency=currency), now=at, zone=ZoneInfo(zone))
    assert new


async def day(db: Db, tenant_id: str, day: str, platform: str, campaign_id: str = "", **counts: int) -> None:
    await bump_daily(db, tenant_id, counts, day=day, platform=platform, campaign_id=campaign_id)
