"""Planning a nudge after the bot's reply, and sending a due one through the durable sending path.

A turn's reply that stated a price, sent a link or asked one of the campaign's questions plans the campaign's
matching follow-up (`decisions.py`). When it is due, the conversation is read again: nothing goes after STOP, a
handoff, a person, a complaint or a sale, or once the customer wrote (which dropped the plan). Free text goes
through `ReplySender` under a turn id derived from the plan's id, so a second worker or a retry finds it stored and
never sends it again; on WhatsApp after the window the follow-up's approved template goes instead. Meta's refusals
are stored on the message and the conversation in the owner's words, as any reply's are.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.conversations import messages as msgs
from bot.conversations import store as convs
from bot.conversations import undelivered
from bot.conversations.bot_settings import BotSettings, get_bot_settings
from bot.conversations.records import Conversation, ConversationStatus, Delivery
from bot.conversations.sending import ReplySender, reply_message_id, to_resend, window_end
from bot.follow_ups import plans
from bot.follow_ups.decisions import Go, Skip, may_send, moments_of, plan_due, rule_for
from bot.follow_ups.wording import nudge_text, template_values
from bot.pipeline.types import LeadStage, TurnResult
from bot.sales.leads import get_lead
from channels.accounts import ChannelAccount, account_token, find_by_platform_account
from channels.crypto import TokenCipher
from channels.graph import GraphClient
from channels.graph_errors import GraphError, SendOutcomeUnknown
from channels.pacing import SendPacer
from channels.problems import problem_of
from channels.registry import channel_for_platform
from channels.whatsapp.templates import template_send_request
from knowledge.campaigns import get_campaign
from knowledge.db import Db
from knowledge.language import detect_language
from knowledge.models import Campaign, FollowUp, FollowUpMoment
from knowledge.money import extract_amounts

log = logging.getLogger(__name__)

SOURCE = "follow_up"


def nudge_turn_id(follow_up_id: str) -> str:
    """The turn a nudge is sent as: its stored reply's id, and the reference Meta returns on its echo or status."""
    return "turn_" + hashlib.sha256(f"follow_up\0{follow_up_id}".encode()).hexdigest()[:32]


class Lookups:
    """What the nudges of one claimed batch share, read once for the batch: campaigns, channels, bot settings."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._campaigns: dict[tuple[str, str], Campaign | None] = {}
        self._accounts: dict[tuple[str, str], ChannelAccount | None] = {}
        self._settings: dict[str, BotSettings] = {}

    async def campaign(self, tenant_id: str, campaign_id: str) -> Campaign | None:
        if not campaign_id:
            return None
        key = (tenant_id, campaign_id)
        if key not in self._campaigns:
            self._campaigns[key] = await get_campaign(self._db, tenant_id, campaign_id)
        return self._campaigns[key]

    async def account(self, platform: str, account_id: str) -> ChannelAccount | None:
        key = (platform, account_id)
        if key not in self._accounts:
            self._accounts[key] = await find_by_platform_account(self._db, platform, account_id)
        return self._accounts[key]

    async def settings(self, tenant_id: str) -> BotSettings:
        if tenant_id not in self._settings:
            self._settings[tenant_id] = await get_bot_settings(self._db, tenant_id)
        return self._settings[tenant_id]


class FollowUps:
    def __init__(
        self,
        db: Db,
        sender: ReplySender,
        graph: GraphClient,
        cipher: TokenCipher,
        pacer: SendPacer,
        clock: Clock,
    ) -> None:
        self._db = db
        self._sender = sender
        self._graph = graph
        self._cipher = cipher
        self._pacer = pacer
        self._clock = clock

    # Planning ---------------------------------------------------------------------------------------------------

    async def after_reply(
        self, conversation: Conversation, result: TurnResult, campaign: Campaign | None, settings: BotSettings
    ) -> None:
        """A turn's reply went out: plan the campaign's follow-up for the moment the reply made, if any."""
        if campaign is None or not campaign.follow_ups or result.reply.handoff or result.reply.opted_out:
            return
        reply = result.reply.text
        moments = moments_of(
            reply,
            states_price=bool(extract_amounts(reply)),
            questions=campaign.chat_flow.qualification_questions,
            asked_question=result.reply.asked_question,
        )
        step = rule_for(campaign.follow_ups, moments)
        if step is None:
            return
        now = self._clock.now()
        await self._plan(conversation, campaign.follow_ups, step, now, settings, language=detect_language(reply))

    async def _plan(
        self,
        conversation: Conversation,
        follow_ups: list[FollowUp],
        step: int,
        replied_at: datetime,
        settings: BotSettings,
        *,
        language: str,
        replacing: str = "",
    ) -> bool:
        follow_up = follow_ups[step]
        planned = plan_due(
            replied_at,
            follow_up,
            zone=settings.zone,
            window_end=window_end(conversation),
            templates_after_window=channel_for_platform(conversation.platform).window.templates_after_window,
        )
        if planned is None or (step > 0 and planned.due_at <= self._clock.now()):
            return False
        stored = await plans.plan(
            self._db,
            conversation,
            step=step,
            kind=follow_up.after.value,
            planned=planned,
            language=language,
            replied_at=replied_at,
            replacing=replacing,
        )
        if not stored:
            return False
        log.info("follow-up planned", extra={"platform": conversation.platform, "kind": follow_up.after.value})
        return True

    # Sending ----------------------------------------------------------------------------------------------------

    async def send_due(self, due: plans.Due, lookups: Lookups | None = None) -> str:
        """Send one claimed nudge, or drop it; what happened, in a word (for the log and tests)."""
        db = self._db
        lookups = lookups or Lookups(db)
        conversation = await convs.get_conversation(db, due.tenant_id, due.conversation_id)
        if conversation is None or conversation.follow_up_id != due.follow_up_id:
            return Skip.replaced.value
        campaign = await lookups.campaign(conversation.tenant_id, conversation.campaign_id)
        follow_ups = campaign.follow_ups if campaign else []
        follow_up = follow_ups[conversation.follow_up_step] if conversation.follow_up_step < len(follow_ups) else None
        lead = await get_lead(db, conversation.tenant_id, conversation.id)
        decision = may_send(
            planned=True,
            status=conversation.status.value,
            complained=conversation.complained,
            converted=lead is not None and lead.stage == LeadStage.converted,
            has_follow_up=follow_up is not None and follow_up.after.value == conversation.follow_up_kind,
            has_template=follow_up is not None and follow_up.template is not None,
            templates_after_window=channel_for_platform(conversation.platform).window.templates_after_window,
            window_end=window_end(conversation),
            now=self._clock.now(),
        )
        account = await lookups.account(conversation.platform, conversation.account_id)
        if (
            isinstance(decision, Skip)
            or account is None
            or account.tenant_id != conversation.tenant_id
            or follow_up is None
            or campaign is None
        ):
            await plans.finish(db, conversation.tenant_id, conversation.id, due.follow_up_id)
            # (A missing follow-up or campaign is a Skip already: `has_follow_up` is false then.)
            why = decision.value if isinstance(decision, Skip) else "no_channel"
            log.info("follow-up not sent", extra={"platform": conversation.platform, "reason": why})
            return why
        sent = await self._send(account, conversation, campaign, follow_up, decision, due.follow_up_id)
        settings = await lookups.settings(conversation.tenant_id)
        if sent:
            await plans.note_sent(db, conversation, at=self._clock.now(), timezone=settings.timezone)
            if await self._plan_next(conversation, follow_ups, settings):
                return "sent"
        await plans.finish(db, conversation.tenant_id, conversation.id, due.follow_up_id)
        return "sent" if sent else "failed"

    async def _plan_next(self, conversation: Conversation, follow_ups: list[FollowUp], settings: BotSettings) -> bool:
        """A later follow-up for the same moment is the second nudge of this silence, counted from the same reply."""
        step = rule_for(
            follow_ups, frozenset({FollowUpMoment(conversation.follow_up_kind)}), after_step=conversation.follow_up_step
        )
        if step is None or conversation.follow_up_from is None:
            return False
        return await self._plan(
            conversation,
            follow_ups,
            step,
            conversation.follow_up_from,
            settings,
            language=conversation.follow_up_language,
            replacing=conversation.follow_up_id,
        )

    async def _send(
        self,
        account: ChannelAccount,
        conversation: Conversation,
        campaign: Campaign,
        follow_up: FollowUp,
        how: Go,
        follow_up_id: str,
    ) -> bool:
        turn_id = nudge_turn_id(follow_up_id)
        stored = await msgs.get_message(self._db, conversation.tenant_id, reply_message_id(turn_id))
        if stored is not None:
            # An earlier claim of this nudge got as far as storing it: sent already, or kept for one more try.
            if to_resend(stored):
                outcome = await self._sender.resend_reply(account, stored)
                return outcome.sent
            return False
        if how.template:
            return await self._send_template(account, conversation, campaign, follow_up, turn_id)
        text = nudge_text(follow_up, product_name=campaign.product.name, language=conversation.follow_up_language)
        outcome = await self._sender.send_turn_reply(account, conversation, text, turn_id=turn_id, source=SOURCE)
        return outcome.sent

    async def _send_template(
        self, account: ChannelAccount, conversation: Conversation, campaign: Campaign, follow_up: FollowUp, turn_id: str
    ) -> bool:
        template = follow_up.template
        if template is None:
            return False
        values = template_values(template, customer_name=conversation.customer_name, product_name=campaign.product.name)
        if values is None:
            log.info("follow-up template not sent: a parameter has no value", extra={"platform": conversation.platform})
            return False
        fresh = await convs.get_conversation(self._db, conversation.tenant_id, conversation.id)
        if fresh is None or fresh.status != ConversationStatus.bot:
            return False
        request = template_send_request(
            account.account_id,
            conversation.customer_id,
            name=template.name,
            language=template.language,
            values=values,
            reference=turn_id,
        )
        text = f"[{template.name}] " + " · ".join(values) if values else f"[{template.name}]"
        record: dict[str, Any] = {
            "sender": "bot",
            "text": text,
            "source": SOURCE,
            "turn_id": turn_id,
            "message_id": reply_message_id(turn_id),
        }
        try:
            result = await self._graph.send(
                request,
                account_token(self._cipher, account),
                pace=self._pacer.for_send(account.platform, account.account_id, request),
            )
        except SendOutcomeUnknown:
            # It may have gone: never sent again blindly, shown as not confirmed.
            await msgs.record_outbound(
                self._db, conversation.tenant_id, conversation.id, delivery=Delivery.unconfirmed, now=self._clock.now(), **record
            )
            return True
        except GraphError as exc:
            if exc.transient:
                raise  # Meta could not take it now: the claim's lease ends and it is tried again
            problem = problem_of(exc)
            await msgs.record_outbound(
                self._db,
                conversation.tenant_id,
                conversation.id,
                delivery=Delivery.failed,
                error_code=exc.code,
                error_title=exc.message[:300],
                problem=problem,
                now=self._clock.now(),
                **record,
            )
            await undelivered.note_failed(
                self._db, conversation, problem=problem, message_id=record["message_id"], now=self._clock.now()
            )
            log.warning("follow-up template refused", extra={"code": exc.code, "problem": problem})
            return False
        await msgs.record_outbound(
            self._db,
            conversation.tenant_id,
            conversation.id,
            delivery=Delivery.sent,
            platform_message_id=result.message_id,
            now=self._clock.now(),
            **record,
        )
        return True
