"""What the engine does with each kind of channel event (the decisions are in `event_plan.py`).

Customer messages are stored once (a redelivery finds its stored copy and stops), then the conversation's
turn is answered after its debounce window. Echoes, receipts, statuses and reactions only update state;
they are never answered.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.conversations import messages as msgs
from bot.conversations import store as convs
from bot.conversations.bot_settings import BotSettings, get_bot_settings
from bot.conversations.handoff import count_person_answer
from bot.conversations.records import Conversation, ConversationChanges, ConversationStatus, InboundState, NewConversationFields
from bot.conversations.sending import ReplySender
from bot.conversations.source import record_referral
from bot.conversations.undelivered import fail_after_retries, note_failed
from bot.conversations.voice_clips import place_clip
from bot.follow_ups import plans as follow_up_plans
from bot.inbound.bursts import BurstAnswerer
from bot.inbound.comment_replies import CommentReplier
from bot.inbound.event_plan import (
    InboundAction,
    ad_source,
    failed_send_detail,
    is_our_echo,
    message_text,
    plan_inbound,
    referral_hint,
    voice_attachment,
    wordless_kind,
)
from bot.inbound.failures import is_bad_event, is_store_outage
from bot.inbound.shared_reads import SharedReads
from bot.inbound.voice import VoiceReader
from bot.log_context import tenant_id_var
from bot.metrics import Metrics
from bot.pipeline import choose_campaign
from bot.sales.counters import bump_daily, day_of, hour_field
from channels.accounts import ChannelAccount, find_by_platform_account
from channels.customer_names import CustomerNames
from channels.events import (
    UNPARSEABLE,
    ChannelEvent,
    Comment,
    CustomerMoved,
    Echo,
    InboundMessage,
    MessageDeleted,
    Reaction,
    Receipt,
    Referral,
    StandaloneReferral,
    StatusUpdate,
    Unsupported,
)
from channels.outbound import reference_in
from channels.problems import problem_of_code
from channels.registry import channel_named
from knowledge.db import Db
from knowledge.retrieval import KnowledgeIndex

log = logging.getLogger(__name__)


class EventDispatcher:
    def __init__(
        self,
        db: Db,
        knowledge: KnowledgeIndex,
        bursts: BurstAnswerer,
        sender: ReplySender,
        names: CustomerNames,
        metrics: Metrics,
        clock: Clock,
        *,
        meta_app_id: str,
        comments: CommentReplier | None = None,
        voice: VoiceReader | None = None,
    ) -> None:
        self._db = db
        self._knowledge = knowledge
        self._bursts = bursts
        self._sender = sender
        self._names = names
        self._metrics = metrics
        self._clock = clock
        self._meta_app_id = meta_app_id
        self._comments = comments  # None: comments are read and left unanswered
        self._voice = voice  # None: a voice note is not downloaded, and goes to a person
        # Events name their account (page, Instagram account, WhatsApp number); this is how the tenant is found.
        self._accounts: SharedReads[tuple[str, str], ChannelAccount | None] = SharedReads(
            lambda key: find_by_platform_account(db, *key)
        )
        self._settings: SharedReads[str, BotSettings] = SharedReads(lambda tenant_id: get_bot_settings(db, tenant_id))

    async def handle_delivery(self, channel: str, payload: dict[str, Any], received_at_ms: int) -> None:
        """Handle every event of one delivery. Each event stands alone: one that cannot be read or stored is dropped
        (log line, `events_dropped`), and one that fails otherwise does not stop the others; the first such failure
        is raised at the end, after the others were answered, so the delivery is retried. A store outage is raised
        at once (see `failures.py`)."""
        # A read begun after this moment (an account, the knowledge version) saw every change made before the
        # delivery was picked up, so it is current for this delivery: concurrent deliveries share such reads.
        started = time.monotonic()
        events = sorted(channel_named(channel).parse(payload), key=lambda e: e.timestamp_ms)
        to_answer: dict[str, tuple[ChannelAccount, Conversation, BotSettings]] = {}
        written: dict[str, int] = {}  # per conversation, when its newest message of this delivery was written
        failures: list[Exception] = []
        for event in events:
            self._metrics.events.labels(event.platform, event.kind).inc()
            if isinstance(event, Unsupported) and event.reason.startswith(UNPARSEABLE):
                self._drop(event, event.reason)
                continue
            try:
                found = await self._handle_event(event, started)
            except Exception as exc:
                if is_store_outage(exc):
                    raise
                if not is_bad_event(exc):
                    log.exception("event failed; its delivery will be retried", extra={"kind": event.kind})
                    failures.append(exc)
                    continue
                self._drop(
                    event, f"{type(exc).__name__}: {str(exc)[:200]}" if log.isEnabledFor(logging.DEBUG) else type(exc).__name__
                )
                continue
            if found is not None:
                to_answer[found[1].id] = found
                if isinstance(event, InboundMessage):
                    written[found[1].id] = max(written.get(found[1].id, 0), event.timestamp_ms)
        if to_answer:
            failures += await self._answer_each(to_answer, received_at_ms, started, written)
        if failures:
            raise next((f for f in failures if is_store_outage(f)), failures[0])

    async def _answer_each(
        self,
        to_answer: dict[str, tuple[ChannelAccount, Conversation, BotSettings]],
        received_at_ms: int,
        started: float,
        written: dict[str, int],
    ) -> list[Exception]:
        """Different customers of one delivery are answered side by side; one that fails does not stop the others.
        The failures, to be raised once all were answered."""
        results = await asyncio.gather(
            *(
                self._bursts.answer_after_burst(
                    account,
                    conversation,
                    received_at_ms,
                    settings,
                    fresh_since=started,
                    written_at_ms=written.get(conversation.id, 0),
                )
                for account, conversation, settings in to_answer.values()
            ),
            return_exceptions=True,
        )
        # Names are fetched after the reply went out: a nicety must not slow the answer (nor a stop).
        for (account, conversation, _), result in zip(to_answer.values(), results, strict=True):
            if not conversation.customer_name and not isinstance(result, BaseException) and self._bursts.taking_turns:
                await self._fetch_name(account, conversation)
        if cancelled := next((r for r in results if isinstance(r, BaseException) and not isinstance(r, Exception)), None):
            raise cancelled
        return [r for r in results if isinstance(r, Exception)]

    async def note_dead_letter(self, channel: str, payload: dict[str, Any], deadletter_id: str) -> None:
        """A delivery was given up: each of its customers whose reply did not go out (or who got none) shows as not
        answered to the owner, with the dead letter a Retry can replay."""
        now = self._clock.now()
        seen: set[str] = set()
        for event in channel_named(channel).parse(payload):
            if isinstance(event, Comment) and self._comments is not None:
                await self._give_up_comment(event)
            if not isinstance(event, InboundMessage):
                continue
            account = await find_by_platform_account(self._db, event.platform, event.account_id)
            if account is None:
                continue
            conversation = await convs.find_conversation(
                self._db, account.tenant_id, event.platform, event.account_id, event.customer_id
            )
            if conversation is None or conversation.id in seen:
                continue
            seen.add(conversation.id)
            if await fail_after_retries(self._db, conversation, deadletter_id=deadletter_id, now=now):
                log.warning("a customer got no answer; the owner is shown it", extra={"platform": event.platform})

    async def _give_up_comment(self, event: Comment) -> None:
        account = await find_by_platform_account(self._db, event.platform, event.account_id)
        if account is not None and self._comments is not None and await self._comments.give_up(account, event):
            log.warning("a comment got no private reply; the owner is shown it", extra={"platform": event.platform})

    async def _handle_event(self, event: ChannelEvent, started: float) -> tuple[ChannelAccount, Conversation, BotSettings] | None:
        account = await self._accounts.get((event.platform, event.account_id), started)
        if account is None:
            log.info(
                "event for an account no tenant has connected; dropped",
                extra={"platform": event.platform, "account_id": event.account_id, "kind": event.kind},
            )
            return None
        tenant_id_var.set(account.tenant_id)
        settings = await self._settings.get(account.tenant_id, started)
        conversation = await self._dispatch(account, event, settings, started)
        return (account, conversation, settings) if conversation is not None else None

    def _drop(self, event: ChannelEvent, reason: str) -> None:
        self._metrics.events_dropped.labels(event.platform, event.kind).inc()
        log.warning("event dropped", extra={"platform": event.platform, "kind": event.kind, "reason": reason})

    async def _dispatch(
        self, account: ChannelAccount, event: ChannelEvent, settings: BotSettings, started: float
    ) -> Conversation | None:
        """Handle one event; for a customer message to answer, its conversation."""
        if isinstance(event, InboundMessage):
            return await self._on_message(account, event, settings, started)
        if isinstance(event, Echo):
            await self._on_echo(account, event, settings)
        elif isinstance(event, Receipt):
            await self._on_receipt(account, event)
        elif isinstance(event, StatusUpdate):
            await self._on_status(account, event)
        elif isinstance(event, StandaloneReferral):
            await self._on_referral(account, event)
        elif isinstance(event, CustomerMoved):
            await self._on_moved(account, event)
        elif isinstance(event, Comment) and self._comments is not None:
            await self._comments.on_comment(account, event)
        elif isinstance(event, (Reaction, MessageDeleted)):
            log.info("customer event recorded", extra={"kind": event.kind, "platform": event.platform})
        return None

    async def _on_referral(self, account: ChannelAccount, event: StandaloneReferral) -> None:
        """A click that opened or reopened the thread without a message (Messenger's `messaging_referrals`)."""
        now = self._clock.now()
        conversation = await convs.get_or_create_conversation(
            self._db, account.tenant_id, event.platform, event.account_id, event.customer_id, now=now
        )
        if hint := referral_hint(event.referral):
            await convs.update_conversation(self._db, account.tenant_id, conversation.id, referral_ref=hint)
        await self._attribute(conversation, event.referral, msgs.message_time(event, now))

    async def _attribute(self, conversation: Conversation, referral: Referral | None, at: datetime) -> Conversation:
        """Attribute the conversation to the ad a referral names, the moment it arrives: Meta sends it once. The
        first ad stays the conversation's (and its lead's); the conversation is returned as stored after it."""
        source = ad_source(referral)
        if source is None:
            return conversation
        await record_referral(self._db, conversation.tenant_id, conversation.id, source, at=at)
        log.info("conversation attributed to an ad", extra={"platform": conversation.platform})
        return await convs.get_conversation(self._db, conversation.tenant_id, conversation.id) or conversation

    async def _on_message(
        self, account: ChannelAccount, event: InboundMessage, settings: BotSettings, started: float
    ) -> Conversation | None:
        db, tenant_id, now = self._db, account.tenant_id, self._clock.now()
        conversation = await convs.find_customer_conversation(
            db, tenant_id, event.platform, event.account_id, event.customer_id, event.customer_user_id
        )
        text, media = await self._words_of(account, conversation, event)
        created = False
        if conversation is None:
            conversation, created = await self._create(account, event, text, now, started)
            if media and media.get("id"):
                await place_clip(db, tenant_id, media["id"], conversation.id)
        else:
            conversation = await self._refresh(conversation, event, text, started)
        conversation = await self._attribute(conversation, event.referral, msgs.message_time(event, now))
        message, is_new = await msgs.record_inbound(
            db, tenant_id, conversation, event, text, now=now, wordless=wordless_kind(event), media=media
        )
        action = plan_inbound(is_new=is_new, state=message.state, standby=event.standby, written_at=message.at, now=now)
        if action == InboundAction.redelivered:
            log.info("redelivered message ignored", extra={"platform": event.platform})
            return None
        if is_new:
            first = created or (
                conversation.created_at >= message.at - timedelta(seconds=5) and await self._first_message(conversation)
            )
            wrote_back = await convs.note_customer_wrote_back(db, tenant_id, conversation, message.at)
            # The customer wrote: a planned nudge is not needed any more (and a nudge sent got its reply).
            await follow_up_plans.note_customer_wrote(db, conversation, at=message.at, timezone=settings.timezone)
            counts = {
                "messages_in": 1,
                "conversations": 1 if first else 0,
                "customers_replied": 1 if wrote_back else 0,
                hour_field(message.at, settings.zone): 1,
            }
            await bump_daily(
                db,
                tenant_id,
                counts,
                day=day_of(message.at, settings.zone),
                platform=event.platform,
                campaign_id=conversation.campaign_id,
            )
        if action in (InboundAction.standby, InboundAction.stale):
            await msgs.mark_inbound(db, tenant_id, [message.id], InboundState.skipped)
            return None
        return conversation

    async def _words_of(
        self, account: ChannelAccount, conversation: Conversation | None, event: InboundMessage
    ) -> tuple[str, dict[str, Any] | None]:
        """The message's text, and for a recording its transcript and stored clip. A recording is fetched and
        transcribed once: a redelivery of a message already stored reads nothing again."""
        audio = voice_attachment(event)
        if audio is None:
            return message_text(event), None
        message_id = msgs.inbound_message_id(event.platform, event.account_id, event.message_id)
        stored = await msgs.get_message(self._db, account.tenant_id, message_id)
        if stored is not None:
            return stored.text, stored.media or None
        if self._voice is None:
            return event.text.strip(), {"kind": "voice", "heard": False, "problem": "no_transcriber"}
        heard = await self._voice.hear(account, conversation, audio, message_id)
        caption = event.text.strip()
        return (f"{caption} {heard.text}".strip() if heard.text else caption), heard.media

    async def _create(
        self, account: ChannelAccount, event: InboundMessage, text: str, now: datetime, started: float
    ) -> tuple[Conversation, bool]:
        """A new conversation, stored with its campaign, referral and first message's time in one write."""
        hint = referral_hint(event.referral)
        campaign_id = await self._choose_campaign(account.tenant_id, event.platform, text, hint, started)
        at = msgs.message_time(event, now)
        fields: NewConversationFields = {"last_customer_at": at, "last_message_at": at}
        if hint:
            fields["referral_ref"] = hint
        if campaign_id:
            fields["campaign_id"] = campaign_id
        if event.customer_user_id:
            fields["customer_user_id"] = event.customer_user_id
        return await convs.create_conversation(
            self._db,
            account.tenant_id,
            event.platform,
            event.account_id,
            event.customer_id,
            event.customer_name,
            now=now,
            **fields,
        )

    async def _refresh(self, conversation: Conversation, event: InboundMessage, text: str, started: float) -> Conversation:
        """An existing conversation after this message: a name WhatsApp sent, an ad's referral, and a campaign
        if it has none yet (chosen before anything is counted, so its first messages count for it)."""
        conversation = await self._same_customer(conversation, event)
        fields: ConversationChanges = {}
        if event.customer_user_id and event.customer_user_id != conversation.customer_user_id:
            fields["customer_user_id"] = event.customer_user_id
        if event.customer_name and event.customer_name != conversation.customer_name:
            fields["customer_name"] = event.customer_name
        if hint := referral_hint(event.referral):
            fields["referral_ref"] = hint
        if not conversation.campaign_id:
            ref = fields.get("referral_ref") or conversation.referral_ref
            campaign_id = await self._choose_campaign(conversation.tenant_id, conversation.platform, text, ref, started)
            if campaign_id:
                fields["campaign_id"] = campaign_id
        if not fields:
            return conversation
        return await convs.update_conversation(self._db, conversation.tenant_id, conversation.id, **fields) or conversation

    async def _same_customer(self, conversation: Conversation, event: InboundMessage) -> Conversation:
        """A conversation found by the customer's user id while the message names another id: sends follow the id
        the customer writes from now (a hidden number's user id, or the number shown again)."""
        if conversation.customer_id == event.customer_id:
            return conversation
        moved = await convs.move_customer(self._db, conversation, event.customer_id)
        if moved is not None:
            log.info("customer writes from another id; the conversation follows", extra={"platform": event.platform})
        return moved or conversation

    async def _on_moved(self, account: ChannelAccount, event: CustomerMoved) -> None:
        """The customer changed their number (WhatsApp's `user_changed_number`): one conversation still."""
        conversation = await convs.find_conversation(
            self._db, account.tenant_id, event.platform, event.account_id, event.customer_id
        )
        if conversation is not None and await convs.move_customer(self._db, conversation, event.new_customer_id):
            log.info("customer changed number; the conversation follows", extra={"platform": event.platform})

    async def _fetch_name(self, account: ChannelAccount, conversation: Conversation) -> None:
        name = await self._names.lookup(account, conversation.customer_id)
        if name:
            await convs.update_conversation(self._db, conversation.tenant_id, conversation.id, customer_name=name)

    async def _choose_campaign(self, tenant_id: str, platform: str, text: str, ref: str, started: float) -> str:
        """The campaign a conversation's first message fits ("" if none does)."""
        # The cached catalog's products are the campaigns visible on this platform: no query while it is current.
        facts = await self._knowledge.catalog_facts(self._db, tenant_id, platform, fresh_since=started)
        chosen = choose_campaign(text, facts.products, None, ref)
        return chosen.id if chosen else ""

    async def _first_message(self, conversation: Conversation) -> bool:
        count = await self._db.messages.count_documents(
            {"tenant_id": conversation.tenant_id, "conversation_id": conversation.id, "direction": "in"}, limit=2
        )
        return count == 1

    async def _on_echo(self, account: ChannelAccount, event: Echo, settings: BotSettings) -> None:
        db, tenant_id, now = self._db, account.tenant_id, self._clock.now()
        if is_our_echo(event, self._meta_app_id):
            if reference := reference_in(event.metadata):
                await self._sender.note_sent_reply(
                    account, event.customer_id, reference, platform_message_id=event.message_id, text=event.text
                )
            return
        # Someone answered from the page's inbox or the phone: the bot steps back for this conversation.
        conversation = await convs.get_or_create_conversation(
            db, tenant_id, event.platform, event.account_id, event.customer_id, now=now
        )
        _, is_new = await msgs.record_outbound_once(
            db,
            tenant_id,
            conversation.id,
            sender="human",
            text=event.text,
            source="inbox",
            delivery="sent",
            platform_message_id=event.message_id,
            now=now,
            message_id=msgs.inbound_message_id(event.platform, event.account_id, "echo:" + event.message_id),
        )
        if is_new:  # a redelivered echo is not a second answer
            await count_person_answer(db, conversation, now=now, zone=settings.zone)
            await follow_up_plans.cancel(db, tenant_id, conversation.id)  # a person answered: no nudge over them
        if conversation.status in (ConversationStatus.bot, ConversationStatus.handoff):
            await convs.update_conversation(
                db,
                tenant_id,
                conversation.id,
                status=ConversationStatus.human,
                paused_until=now + timedelta(minutes=settings.pause_minutes),
            )
            log.info("a person answered from the inbox; bot paused", extra={"minutes": settings.pause_minutes})

    async def _on_receipt(self, account: ChannelAccount, event: Receipt) -> None:
        db, tenant_id = self._db, account.tenant_id
        status = "read" if event.receipt == "read" else "delivered"
        for mid in event.message_ids:
            await msgs.update_delivery(db, tenant_id, mid, status)
        if event.watermark_ms:
            conversation = await convs.find_conversation(db, tenant_id, event.platform, event.account_id, event.customer_id)
            if conversation is not None:
                watermark = datetime.fromtimestamp(event.watermark_ms / 1000, UTC)
                await msgs.mark_read_up_to(db, tenant_id, conversation.id, watermark, status)

    async def _on_status(self, account: ChannelAccount, event: StatusUpdate) -> None:
        db, tenant_id = self._db, account.tenant_id
        message = await msgs.update_delivery(
            db, tenant_id, event.message_id, event.status, error_code=event.error_code, error_title=event.error_title
        )
        reference = reference_in(event.callback_data)
        if message is None and reference and event.status in ("sent", "delivered", "read"):
            # WhatsApp's statuses carry no text: the reply is known to be sent, its words only to its worker.
            await self._sender.note_sent_reply(
                account, event.customer_id, reference, platform_message_id=event.message_id, text=""
            )
        if event.status == "failed" and message is not None:
            conversation = await convs.update_conversation(
                db,
                tenant_id,
                message.conversation_id,
                last_error=failed_send_detail(event.error_code, event.error_title),
                last_error_code=event.error_code or None,
            )
            if conversation is not None:
                # Meta took the message and then could not deliver it: the owner sees it like any reply not sent.
                await note_failed(
                    db, conversation, problem=problem_of_code(event.error_code), message_id=message.id, now=self._clock.now()
                )
            self._metrics.send_failures.labels("status").inc()
