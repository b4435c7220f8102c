"""Answering one turn of a conversation: wait out the burst, lock, run the pipeline, send once.

A turn is every pending customer message of a conversation. Its id is derived from those message
ids, and so is its reply's stored id: a worker that crashed after sending and storing the reply
leaves it for the next one to find, which then does not send again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time

from bot.conversations import store as convs
from bot.sales import leads as lead_store
from bot.conversations.turn_context import TurnMessages, load_turn_context, load_turn_messages
from bot.sales.counters import bump_daily
from bot.sales.bot_settings import get_engine_settings
from bot.inbound.locks import conversation_lock
from bot.pipeline import Intent, classify_turn, run_turn
from bot.pipeline.llm import build_chat_model
from bot.pipeline.types import TurnResult
from bot.runtime.services import Platform
from bot.conversations.sending import SendOutcome, reply_message_id, send_reply
from channels.accounts import ChannelAccount
from channels.graph import GraphError

log = logging.getLogger(__name__)

# Statuses in which the bot stays silent.
SILENT = ("handoff", "human", "closed")


def turn_id_for(message_ids: list[str]) -> str:
    return "turn_" + hashlib.sha256("\0".join(sorted(message_ids)).encode()).hexdigest()[:32]


class TurnRunner:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        settings = platform.settings
        self.model = (
            build_chat_model(settings.groq_api_key, settings.groq_model, settings.groq_base_url, settings.groq_timeout_s)
            if settings.groq_api_key
            else None
        )

    async def pause_minutes(self, tenant_id: str) -> int:
        return (await get_engine_settings(self.platform.db, tenant_id)).pause_minutes

    async def settle_and_answer(
        self, account: ChannelAccount, conversation: convs.Conversation, received_at_ms: int, *, fresh_since: float | None = None
    ) -> None:
        """Answer after the debounce window, unless a later message of the burst will answer for all.
        `fresh_since` is when the delivery was picked up (time.monotonic()): knowledge checked since then is
        current for this turn, as it saw every change made before the customer's message was handled."""
        redis = self.platform.redis
        debounce_ms = self.platform.settings.reply_debounce_ms
        if debounce_ms > 0:
            key = f"debounce:{conversation.id}"
            token = f"{time.time_ns()}"
            await redis.set(key, token, px=debounce_ms + 60_000)
            await asyncio.sleep(debounce_ms / 1000)
            if await redis.get(key) != token:
                return  # a later message of this burst answers the whole turn
        # If the lock is not free in time, ConversationBusy leaves the delivery pending to be retried.
        async with conversation_lock(redis, conversation.id):
            await self.answer(account, conversation.id, received_at_ms, fresh_since=fresh_since)

    async def answer(
        self, account: ChannelAccount, conversation_id: str, received_at_ms: int, *, fresh_since: float | None = None
    ) -> SendOutcome | None:
        """Answer the conversation's pending messages; the caller holds the conversation's lock."""
        db, tenant_id = self.platform.db, account.tenant_id
        conversation = await convs.get_conversation(db, tenant_id, conversation_id)
        if conversation is None:
            return None
        messages = await load_turn_messages(db, conversation)
        pending = messages.pending
        if not pending:
            return None
        message_ids = [m.id for m in pending]
        if conversation.status == "human" and conversation.paused_until and conversation.paused_until <= convs.utcnow():
            conversation = await convs.update_conversation(db, tenant_id, conversation.id, status="bot", paused_until=None) or conversation
        if conversation.status in SILENT:
            # A person has this conversation: keep the messages for them, say nothing.
            await convs.mark_inbound(db, tenant_id, message_ids, "held")
            return None

        turn_id = turn_id_for(message_ids)
        if await self._already_answered(messages, tenant_id, turn_id):
            # An earlier attempt sent this turn's reply and stopped before the end: finish, never send twice.
            await convs.mark_inbound(db, tenant_id, message_ids, "answered")
            return None

        if conversation.status == "opted_out":
            # Only START (or its variants) is answered; anything else is kept, unanswered, and costs no model call.
            classification = classify_turn([m.text for m in pending if m.text])
            if classification.intent != Intent.opt_in:
                await convs.mark_inbound(db, tenant_id, message_ids, "skipped", intent=classification.intent.value,
                                         confidence=classification.confidence)
                return None

        # Only turns create leads: before any turn of the conversation has answered, there is none to read.
        lead_doc = None if messages.untouched else await lead_store.get_lead_doc(db, tenant_id, conversation.id)
        context = await load_turn_context(
            self.platform, conversation, messages, lead_store.state_from_doc(lead_doc), fresh_since=fresh_since
        )
        result: TurnResult = await run_turn(context, model=self.model, timeout_s=self.platform.settings.groq_timeout_s)
        campaign_id = context.campaign.id if context.campaign else ""
        await lead_store.save_lead(db, conversation, result.lead, campaign_id=campaign_id, previous=lead_doc)

        try:
            outcome = await send_reply(
                self.platform, account, conversation, result.reply.text, turn_id=turn_id,
                source=result.reply.source, reply_to=pending[-1].platform_message_id,
            )
        except GraphError:
            # The delivery is retried and the turn runs again; the model call this attempt made still counts.
            if result.usage is not None:
                await bump_daily(db, tenant_id, platform=conversation.platform, campaign_id=campaign_id,
                                 **self._usage_counts(result))
            raise
        await convs.mark_inbound(db, tenant_id, message_ids, "answered", intent=result.classification.intent.value,
                                 confidence=result.classification.confidence)
        await convs.close_turn(
            db, tenant_id, conversation.id, last_message_at=convs.utcnow() if outcome.recorded else None,
            **self._changes(conversation, campaign_id, result),
        )
        await self._count(conversation, campaign_id, result, outcome, received_at_ms, answered=len(message_ids))
        return outcome

    async def _already_answered(self, messages: TurnMessages, tenant_id: str, turn_id: str) -> bool:
        reply_id = reply_message_id(turn_id)
        reply = next((m for m in messages.recent if m.id == reply_id), None)
        if reply is None and not messages.complete:
            # Replies come after the turn's messages, so one older than the read is unlikely; still, ask.
            reply = await convs.get_message(self.platform.db, tenant_id, reply_id)
        return reply is not None

    @staticmethod
    def _changes(conversation: convs.Conversation, campaign_id: str, result: TurnResult) -> dict[str, str]:
        """What the turn changes on its conversation: the campaign it settled on, and its status."""
        changes: dict[str, str] = {}
        if campaign_id and campaign_id != conversation.campaign_id:
            changes["campaign_id"] = campaign_id
        if result.reply.opted_out:
            changes["status"] = "opted_out"
        elif result.reply.opted_in and conversation.status == "opted_out":
            changes["status"] = "bot"
        elif result.reply.handoff:
            changes["status"] = "handoff"
        return changes

    def _usage_counts(self, result: TurnResult) -> dict[str, int]:
        usage = result.usage
        if usage is None:
            return {}
        self.platform.metrics.model_seconds.observe(usage.latency_ms / 1000)
        return {
            "model_calls": 1, "model_failures": 1 if result.reply.source != "llm" else 0,
            "input_tokens": usage.input_tokens, "output_tokens": usage.output_tokens,
            "model_latency_ms": usage.latency_ms, "model_cost_micro_usd": int(round(usage.cost_usd * 1_000_000)),
        }

    async def _count(
        self, conversation: convs.Conversation, campaign_id: str, result: TurnResult, outcome: SendOutcome,
        received_at_ms: int, *, answered: int,
    ) -> None:
        db, tenant_id, metrics = self.platform.db, conversation.tenant_id, self.platform.metrics
        counts = self._usage_counts(result)
        if outcome.sent:
            counts["messages_out"] = 1
            counts["messages_answered"] = answered
            counts[f"replies_{result.reply.source}"] = 1
            metrics.replies.labels(conversation.platform, result.reply.source).inc()
            if received_at_ms:
                metrics.reply_seconds.labels(result.reply.source).observe(max(0.0, time.time() - received_at_ms / 1000))
        elif outcome.error_category:
            counts["send_failures"] = 1
        if result.guard_blocked:
            counts["guard_blocks"] = 1
            metrics.guard_blocks.inc()
        if result.reply.handoff:
            counts["handoffs"] = 1
        if result.reply.opted_out:
            counts["opt_outs"] = 1
        if counts:
            await bump_daily(db, tenant_id, platform=conversation.platform, campaign_id=campaign_id, **counts)
