"""Answering one turn of a conversation: read it, decide (`turn_plan.plan_turn`), run the pipeline, send once.

A turn is every pending customer message of a conversation. Its id is derived from those message ids, and so
is its reply's stored id: a worker that crashed after sending and storing the reply leaves it for the next one
to find, which then does not send again. The caller holds the conversation's lock.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Protocol, TypeVar

from bot.clock import Clock
from bot.conversations import messages as msgs
from bot.conversations import store as convs
from bot.conversations.bot_settings import BotSettings
from bot.conversations.crm_events import tell_status
from bot.conversations.held_messages import held_for_a_person
from bot.conversations.records import (
    Conversation,
    ConversationChanges,
    ConversationStatus,
    Delivery,
    InboundState,
    Message,
    from_ms,
)
from bot.conversations.sending import ReplySender, SendOutcome, StillHeld, reply_message_id, to_resend
from bot.conversations.turn_context import TurnMessages, load_turn_context, load_turn_messages, written_before
from bot.conversations.turn_ids import turn_id_for
from bot.conversations.turn_plan import (
    COMPLAINT_INTENTS,
    TurnAction,
    handoff_cause_of,
    late_reply_counts,
    plan_turn,
    status_after_turn,
    turn_counts,
    usage_counts,
)
from bot.conversations.undelivered import note_failed
from bot.metrics import Metrics
from bot.outbound_webhooks.endpoints import Endpoint
from bot.pipeline import classify_turn, run_turn
from bot.pipeline.model_client import ModelClient
from bot.pipeline.types import LeadStage, LeadState, TurnResult
from bot.sales import leads as lead_store
from bot.sales.counters import bump_daily, day_of
from channels.accounts import ChannelAccount
from channels.graph import GraphError
from knowledge.db import Db
from knowledge.models import Campaign
from knowledge.retrieval import KnowledgeIndex

log = logging.getLogger(__name__)

T = TypeVar("T")
_QUALIFIED_OR_LATER = frozenset({LeadStage.qualified, LeadStage.proposal, LeadStage.converted})


class TurnPlanMismatch(RuntimeError):
    """The turn's plan needs something the turn does not hold: a bug between `plan_turn` and its inputs, which
    fails the turn (to be tried again) rather than sending a wrong reply."""


def planned(value: T | None, what: str) -> T:
    """`value`, which the plan relies on being there (`plan_turn` resumes or resends only a stored reply, and skips
    only a classified turn)."""
    if value is None:
        raise TurnPlanMismatch(f"the turn's plan needs {what}, and there is none")
    return value


class AfterReply(Protocol):
    """What runs once a turn's reply reached the customer and the bot keeps the conversation (the follow-ups'
    planning): given from above, so this room knows nothing of it."""

    async def __call__(
        self, conversation: Conversation, result: TurnResult, campaign: Campaign | None, settings: BotSettings
    ) -> None: ...


def turn_marks(pending: list[Message], result: TurnResult, *, hands_over: bool) -> list[msgs.InboundMark]:
    """The states a turn gives its customer messages, in the order written (pure): every one out of pending, so a
    retry never finds part of the turn still waiting (its id would differ, and its reply be sent again); then the
    ones left for a person held."""
    intent, confidence = result.classification.intent.value, result.classification.confidence
    texted = [m.id for m in pending if m.text and not m.wordless]  # the texts the pipeline read, in order
    held = held_for_a_person(texted, result.reply.unanswered, hands_over=hands_over)
    # A voice note nobody could hear waits for the person who will listen to it.
    held += [m.id for m in pending if hands_over and m.media and not m.media.get("heard") and m.id not in held]
    marks = [msgs.InboundMark([m.id for m in pending], InboundState.answered, intent, confidence)]
    if held:
        marks.append(msgs.InboundMark(held, InboundState.held, intent, confidence))
    return marks


class EndpointReads(Protocol):
    """The business's webhook endpoints as read at or after `fresh_since` (a time.monotonic() reading): given
    from above, so turns picked up together share one read."""

    async def __call__(self, tenant_id: str, fresh_since: float, /) -> list[Endpoint]: ...


class TurnRunner:
    def __init__(
        self,
        db: Db,
        knowledge: KnowledgeIndex,
        sender: ReplySender,
        metrics: Metrics,
        clock: Clock,
        *,
        model: ModelClient | None,
        model_timeout_s: float,
        after_reply: AfterReply | None = None,
        endpoints: EndpointReads | None = None,
    ) -> None:
        self._db = db
        self._knowledge = knowledge
        self._sender = sender
        self._metrics = metrics
        self._clock = clock
        self.model = model
        self._model_timeout_s = model_timeout_s
        self._after_reply = after_reply
        self._endpoints = endpoints

    async def answer(
        self,
        account: ChannelAccount,
        conversation_id: str,
        received_at_ms: int,
        settings: BotSettings,
        *,
        fresh_since: float | None = None,
        answer_before_ms: int | None = None,
        still_held: StillHeld | None = None,
    ) -> SendOutcome | None:
        """Answer the conversation's pending messages. `fresh_since` (time.monotonic) is when the delivery was
        picked up: knowledge checked since then is current for this turn. `answer_before_ms`: messages written from
        then on are left for a later turn (an earlier message of the customer may not be stored yet). `still_held`:
        whether the caller still holds the conversation's lock, asked before anything is sent (TurnSuperseded)."""
        db, tenant_id = self._db, account.tenant_id
        conversation = await convs.get_conversation(db, tenant_id, conversation_id)
        if conversation is None:
            return None
        messages = await load_turn_messages(db, conversation)
        if answer_before_ms is not None:
            messages = written_before(messages, from_ms(answer_before_ms))
        pending = messages.pending
        message_ids = [m.id for m in pending]
        turn_id = turn_id_for(message_ids)
        classification = None
        if conversation.status == ConversationStatus.opted_out and pending:
            classification = classify_turn([m.text for m in pending if m.text])
        reply = await self._stored_reply(messages, tenant_id, turn_id) if pending else None
        plan = plan_turn(
            status=conversation.status,
            paused_until=conversation.paused_until,
            handoff_cause=conversation.handoff_cause,
            has_pending=bool(pending),
            already_answered=reply is not None,
            reply_unconfirmed=reply is not None and reply.delivery == Delivery.unknown,
            reply_to_resend=reply is not None and to_resend(reply),
            reply_status_after=reply.status_after if reply is not None else "",
            turn_intent=classification.intent if classification else None,
            now=self._clock.now(),
        )
        if plan.resume_bot:
            conversation = (
                await convs.update_conversation(db, tenant_id, conversation.id, status=ConversationStatus.bot, paused_until=None)
                or conversation
            )
        if plan.action == TurnAction.nothing:
            return None
        if plan.action == TurnAction.hold:
            await msgs.mark_inbound(db, tenant_id, message_ids, InboundState.held)
            if reply is not None and reply.delivery == Delivery.retrying:
                # A person has the conversation now: the bot's kept reply is not sent over them. It shows as not
                # sent, for the owner to send or not.
                await self._sender.give_up_retry(reply)
            return None
        if plan.action == TurnAction.finish:
            await msgs.mark_inbound(db, tenant_id, message_ids, InboundState.answered)
            return None
        if plan.action == TurnAction.resume:
            stored = planned(reply, "the turn's stored reply to resume")
            return await self._resume(account, conversation, messages, stored, turn_id, settings, still_held)
        if plan.action == TurnAction.resend:
            return await self._resend(
                account, conversation, messages, planned(reply, "the turn's stored reply to resend"), settings, still_held
            )
        if plan.action == TurnAction.skip:
            classification = planned(classification, "the intent of an opted-out customer's turn")
            await msgs.mark_inbound(
                db,
                tenant_id,
                message_ids,
                InboundState.skipped,
                intent=classification.intent.value,
                confidence=classification.confidence,
            )
            return None
        return await self._answer(account, conversation, messages, turn_id, received_at_ms, settings, fresh_since, still_held)

    async def _answer(
        self,
        account: ChannelAccount,
        conversation: Conversation,
        messages: TurnMessages,
        turn_id: str,
        received_at_ms: int,
        settings: BotSettings,
        fresh_since: float | None,
        still_held: StillHeld | None,
    ) -> SendOutcome:
        db, tenant_id, pending = self._db, conversation.tenant_id, messages.pending
        # Only turns create leads: before any turn of the conversation has answered, there is none to read.
        lead = None if messages.untouched else await lead_store.get_lead(db, tenant_id, conversation.id)
        context = await load_turn_context(
            self._knowledge,
            db,
            conversation,
            messages,
            lead.state() if lead else LeadState(),
            fresh_since=fresh_since,
            model=self.model,
        )
        result: TurnResult = await run_turn(context, model=self.model, timeout_s=self._model_timeout_s)
        campaign_id = context.campaign.id if context.campaign else ""
        saved = await lead_store.save_lead_after_turn(
            db,
            conversation,
            result.lead,
            campaign_id=campaign_id,
            previous=lead,
            now=self._clock.now(),
            endpoints=self._endpoint_reads(tenant_id, fresh_since),
        )
        day = day_of(self._clock.now(), settings.zone)
        status = status_after_turn(conversation.status, result)
        marks = turn_marks(pending, result, hands_over=status == ConversationStatus.handoff)
        held = marks[1].message_ids if len(marks) > 1 else []
        try:
            outcome = await self._sender.send_turn_reply(
                account,
                conversation,
                result.reply.text,
                turn_id=turn_id,
                source=result.reply.source,
                reply_to=pending[-1].platform_message_id,
                status_after=status.value if status else "",
                marks=marks,
                still_held=still_held,
            )
        except GraphError:
            # The delivery is retried and the turn runs again; the model call this attempt made still counts.
            await bump_daily(
                db, tenant_id, usage_counts(result), day=day, platform=conversation.platform, campaign_id=campaign_id
            )
            raise
        now = self._clock.now()
        if not outcome.marked:
            await msgs.apply_marks(db, tenant_id, marks)
        first_answer = outcome.sent and conversation.first_reply_at is None
        changes: ConversationChanges = {}
        if campaign_id and campaign_id != conversation.campaign_id:
            changes["campaign_id"] = campaign_id
        if status is not None:
            changes["status"] = status
        if status == ConversationStatus.handoff:
            changes["handoff_cause"] = handoff_cause_of(result)
        if first_answer:
            changes["first_reply_at"] = now
        await convs.close_turn(db, tenant_id, conversation.id, last_message_at=now if outcome.recorded else None, **changes)
        if status is not None:
            await tell_status(db, conversation, status, turn_id, now)
        if outcome.sent and any(m.media and not m.media.get("heard") for m in pending):
            # The customer was told a person will listen: the owner is told too, as of any customer left unanswered
            # (the banner, the inbox, the alert email), until someone of the team answers.
            await note_failed(db, conversation, problem="voice_unheard", message_id="", now=now)
        complaint = result.classification.intent.value in COMPLAINT_INTENTS and await convs.note_complaint(
            db, tenant_id, conversation
        )
        counts = turn_counts(
            result,
            sent=outcome.sent,
            send_failed=outcome.failure is not None,
            answered=len(pending) - len(held),
            first_response_ms=max(0, int((now - pending[0].at).total_seconds() * 1000)) if first_answer else None,
            complaint_is_new=complaint,
        )
        if saved.stage in _QUALIFIED_OR_LATER and (lead is None or lead.stage not in _QUALIFIED_OR_LATER):
            counts["leads_qualified"] = 1
        await bump_daily(db, tenant_id, counts, day=day, platform=conversation.platform, campaign_id=campaign_id)
        self._observe(conversation, result, outcome, received_at_ms)
        if outcome.sent and (status or conversation.status) == ConversationStatus.bot and self._after_reply is not None:
            try:
                await self._after_reply(conversation, result, context.campaign, settings)
            except Exception:  # the reply went out and is recorded: a plan that could not be made loses only itself
                log.exception("after-reply step failed")
        return outcome

    def _endpoint_reads(self, tenant_id: str, fresh_since: float | None) -> Callable[[], Awaitable[list[Endpoint]]] | None:
        """How this turn reads the business's endpoints: shared with the turns picked up with it, when it knows
        when it was picked up (None: a read of its own)."""
        if self._endpoints is None or fresh_since is None:
            return None
        return partial(self._endpoints, tenant_id, fresh_since)

    async def _stored_reply(self, messages: TurnMessages, tenant_id: str, turn_id: str) -> Message | None:
        """This turn's reply, if an earlier attempt stored it (sent, failed, or sent without an answer)."""
        reply_id = reply_message_id(turn_id)
        reply = next((m for m in messages.recent if m.id == reply_id), None)
        if reply is None and not messages.complete:
            # Replies come after the turn's messages, so one older than the read is unlikely; still, ask.
            reply = await msgs.get_message(self._db, tenant_id, reply_id)
        return reply

    async def _resume(
        self,
        account: ChannelAccount,
        conversation: Conversation,
        messages: TurnMessages,
        reply: Message,
        turn_id: str,
        settings: BotSettings,
        still_held: StillHeld | None,
    ) -> SendOutcome:
        """Finish a turn whose send an earlier attempt made without an answer: no new reply is written, the stored
        one is settled (see `ReplySender.settle_unconfirmed`), then the turn closes as it would have."""
        db, tenant_id, pending = self._db, conversation.tenant_id, messages.pending
        outcome = await self._sender.settle_unconfirmed(
            account, conversation, turn_id, reply_to=pending[-1].platform_message_id, still_held=still_held
        )
        now = self._clock.now()
        await msgs.mark_inbound(db, tenant_id, [m.id for m in pending], InboundState.answered)
        changes: ConversationChanges = {}
        if reply.status_after and outcome.sent:
            changes["status"] = ConversationStatus(reply.status_after)
        first_answer = outcome.sent and conversation.first_reply_at is None
        if first_answer:
            changes["first_reply_at"] = now
        await convs.close_turn(db, tenant_id, conversation.id, last_message_at=now if outcome.recorded else None, **changes)
        if "status" in changes:
            await tell_status(db, conversation, ConversationStatus(reply.status_after), turn_id, now)
        day = day_of(now, settings.zone)
        if outcome.sent:
            await bump_daily(
                db,
                tenant_id,
                day=day,
                platform=conversation.platform,
                campaign_id=conversation.campaign_id,
                messages_out=1,
                messages_answered=len(pending),
            )
        else:
            await bump_daily(
                db, tenant_id, day=day, platform=conversation.platform, campaign_id=conversation.campaign_id, send_failures=1
            )
        return outcome

    async def _resend(
        self,
        account: ChannelAccount,
        conversation: Conversation,
        messages: TurnMessages,
        reply: Message,
        settings: BotSettings,
        still_held: StillHeld | None,
    ) -> SendOutcome:
        """Send again the reply an earlier attempt could not get to Meta (raises GraphError while Meta still cannot
        take it), then close the turn as it would have closed."""
        db, tenant_id, pending = self._db, conversation.tenant_id, messages.pending
        outcome = await self._sender.resend_reply(account, reply, reply_to=pending[-1].platform_message_id, still_held=still_held)
        now = self._clock.now()
        if not outcome.recorded:
            return outcome  # withheld (a person has the conversation): the messages wait for them
        await msgs.mark_inbound(db, tenant_id, [m.id for m in pending], InboundState.answered)
        first_answer = outcome.sent and conversation.first_reply_at is None
        await convs.close_turn(
            db,
            tenant_id,
            conversation.id,
            last_message_at=now,
            **(ConversationChanges(first_reply_at=now) if first_answer else {}),
        )
        counts = late_reply_counts(
            sent=outcome.sent,
            answered=len(pending),
            handoff=reply.status_after == ConversationStatus.handoff.value,
            first_response_ms=max(0, int((now - pending[0].at).total_seconds() * 1000)) if first_answer else None,
        )
        await bump_daily(
            db,
            tenant_id,
            counts,
            day=day_of(now, settings.zone),
            platform=conversation.platform,
            campaign_id=conversation.campaign_id,
        )
        return outcome

    def _observe(self, conversation: Conversation, result: TurnResult, outcome: SendOutcome, received_at_ms: int) -> None:
        # What the turn did, never what it said: enough for an operator to follow one conversation's path.
        log.info(
            "turn answered",
            extra={
                "conversation_id": conversation.id,
                "intent": result.classification.intent.value,
                "source": result.reply.source,
                "handoff": result.reply.handoff,
                "repaired": result.guard_blocked,
                "sent": outcome.sent,
            },
        )
        if result.usage is not None:
            self._metrics.model_seconds.observe(result.usage.latency_ms / 1000)
        if result.guard_blocked:
            self._metrics.guard_blocks.inc()
        if outcome.sent:
            self._metrics.replies.labels(conversation.platform, result.reply.source).inc()
            if received_at_ms:
                self._metrics.reply_seconds.labels(result.reply.source).observe(max(0.0, time.time() - received_at_ms / 1000))
