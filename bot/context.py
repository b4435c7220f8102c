"""The pipeline's first step: everything one turn may see, loaded from storage.

Only campaigns visible on the conversation's platform (active, for that platform or all) reach the
pipeline; the history starts after the last time a person released the conversation.
"""

from __future__ import annotations

from bot import conversations as convs
from bot.lead_store import load_lead
from bot.pipeline import choose_campaign
from bot.pipeline.types import HistoryItem, TurnContext
from bot.platform import Platform
from knowledge.campaigns import visible_campaigns
from knowledge.profiles import get_profile

HISTORY_LIMIT = 20
PASSAGES = 4


async def load_turn_context(
    platform: Platform, conversation: convs.Conversation, pending: list[convs.Message]
) -> TurnContext:
    db, tenant_id = platform.db, conversation.tenant_id
    turn_texts = [m.text for m in pending if m.text]
    joined = " ".join(turn_texts)
    campaigns = await visible_campaigns(db, tenant_id, conversation.platform)
    current = next((c for c in campaigns if c.id == conversation.campaign_id), None)
    hint = " ".join(part for part in (conversation.referral_ref,) if part)
    campaign = choose_campaign(joined, campaigns, current, hint)
    facts = await platform.knowledge.catalog_facts(db, tenant_id, conversation.platform)
    passages = await platform.knowledge.search(db, tenant_id, joined, k=PASSAGES, platform=conversation.platform) if joined else []
    recent = await convs.recent_messages(db, tenant_id, conversation.id, limit=HISTORY_LIMIT + len(pending))
    pending_ids = {m.id for m in pending}
    history = [
        HistoryItem(sender=m.sender, text=m.text) for m in recent if m.id not in pending_ids and m.text
    ][-HISTORY_LIMIT:]
    return TurnContext(
        tenant_id=tenant_id,
        platform=conversation.platform,
        customer_name=conversation.customer_name,
        customer_id=conversation.customer_id,
        profile=await get_profile(db, tenant_id),
        campaigns=campaigns,
        campaign=campaign,
        history=history,
        turn_texts=turn_texts or [joined],
        lead=await load_lead(db, tenant_id, conversation.id),
        facts=facts,
        passages=passages,
    )
