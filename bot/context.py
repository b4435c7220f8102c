"""The pipeline's first step: everything one turn may see, loaded from storage.

Only campaigns visible on the conversation's platform (active, for that platform or all) reach the
pipeline; the knowledge (profile, facts, passages) comes from the process's cache after one version check.
"""

from __future__ import annotations

from bot import conversations as convs
from bot.lead_store import load_lead
from bot.pipeline import choose_campaign
from bot.pipeline.types import HistoryItem, TurnContext
from bot.platform import Platform

HISTORY_LIMIT = 20
PASSAGES = 4


async def load_turn_context(
    platform: Platform, conversation: convs.Conversation, pending: list[convs.Message]
) -> TurnContext:
    db, tenant_id = platform.db, conversation.tenant_id
    turn_texts = [m.text for m in pending if m.text]
    joined = " ".join(turn_texts)
    knowledge = await platform.knowledge.for_turn(db, tenant_id, joined, platform=conversation.platform, k=PASSAGES)
    campaigns = knowledge.facts.products
    current = next((c for c in campaigns if c.id == conversation.campaign_id), None)
    campaign = choose_campaign(joined, campaigns, current, conversation.referral_ref)
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
        profile=knowledge.profile,
        campaigns=campaigns,
        campaign=campaign,
        history=history,
        turn_texts=turn_texts or [joined],
        lead=await load_lead(db, tenant_id, conversation.id),
        facts=knowledge.facts,
        passages=knowledge.passages,
    )
