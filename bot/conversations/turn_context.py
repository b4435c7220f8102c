"""The pipeline's first step: everything one turn may see, loaded from storage.

Only campaigns visible on the conversation's platform (active, for that platform or all) reach the
pipeline; the knowledge (profile, facts, passages) comes from the process's cache after one version check.
The turn's messages come from one read of the conversation's newest messages: the pending ones are the
turn, the others its history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.conversations import messages as msgs
from bot.conversations.records import Conversation, Delivery, InboundState, Message
from bot.pipeline import choose_campaign
from bot.pipeline.burst_questions import question_queries
from bot.pipeline.model_client import ModelClient
from bot.pipeline.query import retrieval_query, search_queries
from bot.pipeline.reading import read_message
from bot.pipeline.types import HistoryItem, LeadState, Reading, TurnContext, Usage
from knowledge.db import Db
from knowledge.retrieval import KnowledgeIndex, TurnKnowledge

HISTORY_LIMIT = 20
PASSAGES = 4
# With a model the question is searched in each language of the documents too: the prompt then takes more
# passages, so an answer found by one of those queries is not crowded out by the others' finds (on the held-back
# set, 4 → 6 → 8 passages: 254 → 260 → 263 of 316 replies right, for 6% more input tokens at each step).
PASSAGES_READ = 8
# Newest messages read per turn: the history plus room for a burst of pending ones.
RECENT_LIMIT = HISTORY_LIMIT + 20


@dataclass(frozen=True)
class TurnMessages:
    pending: list[Message]  # the customer's unanswered messages, oldest first
    history: list[Message]  # what came before them, oldest first
    recent: list[Message]  # every message read, oldest first
    complete: bool  # False when older messages exist beyond what was read

    @property
    def untouched(self) -> bool:
        """No turn has answered in this conversation yet: every message in it is a pending customer message.
        (A turn that stopped after saving its lead left these same messages pending, so it counts as none.)"""
        return self.complete and all(m.direction == "in" and m.state == InboundState.pending for m in self.recent)


async def load_turn_messages(db: Db, conversation: Conversation) -> TurnMessages:
    tenant_id = conversation.tenant_id
    recent = await msgs.recent_messages(db, tenant_id, conversation.id, limit=RECENT_LIMIT)
    complete = len(recent) < RECENT_LIMIT
    pending = [m for m in recent if m.direction == "in" and m.state == InboundState.pending]
    if not complete and recent and recent[0].state == InboundState.pending:
        # A burst longer than the read: its older messages are fetched too, none is left behind.
        pending = await msgs.pending_inbound(db, tenant_id, conversation.id)
    pending_ids = {m.id for m in pending}
    history = [m for m in recent if m.id not in pending_ids]
    return TurnMessages(pending=pending, history=history, recent=recent, complete=complete)


def written_before(messages: TurnMessages, cutoff: datetime) -> TurnMessages:
    """The turn without the pending messages written at `cutoff` or later: they are left pending for a later turn,
    and are not shown to this one either."""
    later = {m.id for m in messages.pending if m.at >= cutoff}
    if not later:
        return messages
    return TurnMessages(
        pending=[m for m in messages.pending if m.id not in later],
        history=messages.history,
        recent=[m for m in messages.recent if m.id not in later],
        complete=messages.complete,
    )


async def understood_turn(
    knowledge_index: KnowledgeIndex,
    db: Db,
    tenant_id: str,
    turn_texts: list[str],
    history: list[HistoryItem],
    *,
    platform: str,
    model: ModelClient | None,
    fresh_since: float | None = None,
) -> tuple[TurnKnowledge, Reading | None, Usage | None]:
    """The knowledge one turn needs, and, with a model, its reading of the message (language, intent, and the
    question in each language of the documents, searched with too) and what that call cost. The engine, the
    playground and the quality report all go through here."""
    reading, spent = None, None
    # A burst without words (an image alone, a voice note not heard) gives the model nothing to read.
    if model is not None and any(text.strip() for text in turn_texts):
        languages = await knowledge_index.document_languages(db, tenant_id, fresh_since=fresh_since)
        reading, spent = await read_message(model, turn_texts, history, languages)
    # A follow-up ("and on Saturday?") is searched with the customer's previous message; a burst that asks
    # several questions, with each question too, so every one of them finds its passages.
    queries = [*search_queries(retrieval_query(turn_texts, history), reading), *question_queries(turn_texts, history)]
    knowledge = await knowledge_index.for_turn(
        db,
        tenant_id,
        queries,
        platform=platform,
        k=PASSAGES_READ if reading is not None else PASSAGES,
        fresh_since=fresh_since,
    )
    return knowledge, reading, spent


async def turn_context(
    knowledge_index: KnowledgeIndex,
    db: Db,
    tenant_id: str,
    platform: str,
    turn_texts: list[str],
    history: list[HistoryItem],
    lead: LeadState,
    *,
    current_campaign_id: str = "",
    referral_ref: str = "",
    customer_name: str = "",
    customer_id: str = "",
    turn_media: list[str] | None = None,
    voice_unheard: bool = False,
    model: ModelClient | None = None,
    fresh_since: float | None = None,
) -> TurnContext:
    """Everything one turn may see: the one way a turn's context is built, for a customer's turn on a channel
    (`load_turn_context`), the owner's playground and the quality report alike. `current_campaign_id` is the
    campaign the conversation is about so far; the turn's words may choose another."""
    joined = " ".join(turn_texts)
    texts = turn_texts or [joined]
    knowledge, reading, spent = await understood_turn(
        knowledge_index, db, tenant_id, texts, history, platform=platform, model=model, fresh_since=fresh_since
    )
    campaigns = knowledge.facts.products
    current = next((c for c in campaigns if c.id == current_campaign_id), None)
    return TurnContext(
        tenant_id=tenant_id,
        platform=platform,
        customer_name=customer_name,
        customer_id=customer_id,
        profile=knowledge.profile,
        campaigns=campaigns,
        campaign=choose_campaign(joined, campaigns, current, referral_ref),
        history=history,
        turn_texts=texts,
        turn_media=turn_media or [],
        voice_unheard=voice_unheard,
        lead=lead,
        facts=knowledge.facts,
        passages=knowledge.passages,
        reading=reading,
        prior_usage=spent,
    )


async def load_turn_context(
    knowledge_index: KnowledgeIndex,
    db: Db,
    conversation: Conversation,
    messages: TurnMessages,
    lead: LeadState,
    *,
    fresh_since: float | None = None,
    model: ModelClient | None = None,
) -> TurnContext:
    """`fresh_since` (time.monotonic) lets a knowledge version check made since then stand for this turn's; with
    `model`, the model reads the message before the search (bot/pipeline/reading.py)."""
    # A reply that failed never reached the customer: it is not part of what they saw.
    seen = [m for m in messages.history if m.text and m.delivery != Delivery.failed]
    return await turn_context(
        knowledge_index,
        db,
        conversation.tenant_id,
        conversation.platform,
        [m.text for m in messages.pending if m.text and not m.wordless],
        [HistoryItem(sender=m.sender, text=m.text) for m in seen][-HISTORY_LIMIT:],
        lead,
        current_campaign_id=conversation.campaign_id,
        referral_ref=conversation.referral_ref,
        customer_name=conversation.customer_name,
        customer_id=conversation.customer_id,
        turn_media=[m.wordless for m in messages.pending if m.wordless],
        voice_unheard=any(m.media and not m.media.get("heard") for m in messages.pending),
        model=model,
        fresh_since=fresh_since,
    )
