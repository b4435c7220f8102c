"""What the engine does with each kind of channel event.

Customer messages are stored once (a redelivery finds its stored copy and stops), then the
conversation's turn is answered after its debounce window. Echoes, receipts, statuses and
reactions only update state; they are never answered.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timedelta, timezone

from bot.conversations import store as convs
from bot.sales.counters import bump_daily
from bot.runtime.logs import tenant_id_var
from bot.pipeline import choose_campaign
from bot.runtime.services import Platform
from channels.customer_names import CustomerNames
from bot.conversations.sending import note_sent_reply
from bot.inbound.shared_reads import SharedReads
from bot.conversations.turns import TurnRunner
from channels.accounts import ChannelAccount, find_by_platform_account
from channels.base import adapter_for_channel
from channels.outbound import OUR_METADATA_PREFIX, reference_in
from channels.events import (
    ChannelEvent,
    Echo,
    InboundMessage,
    MessageDeleted,
    Reaction,
    Receipt,
    Referral,
    StandaloneReferral,
    StatusUpdate,
)

log = logging.getLogger(__name__)

# Meta's error codes for a send outside the customer-service window (Messenger, Instagram, WhatsApp).
WINDOW_ERROR_CODES = {131047, 2018278, 2534022}
STALE_AFTER = timedelta(hours=24)


def describe_attachments(event: InboundMessage) -> str:
    """A text stand-in for what the customer sent, so the turn and the owner both see it."""
    parts: list[str] = []
    for attachment in event.attachments:
        if attachment.type == "location" and attachment.latitude is not None:
            parts.append(f"[location {attachment.title or ''} {attachment.latitude:.5f},{attachment.longitude:.5f}]".replace("  ", " "))
        elif attachment.type == "story_mention":
            parts.append("[mentioned us in a story]")
        else:
            caption = f": {attachment.caption}" if attachment.caption else ""
            parts.append(f"[{attachment.type}{caption}]")
    return " ".join(parts)


def message_text(event: InboundMessage) -> str:
    text = event.text.strip()
    extra = describe_attachments(event)
    if text and extra:
        return f"{text} {extra}"
    return text or extra


def _referral_fields(referral: Referral) -> dict[str, str | None]:
    """Where a conversation came from (an ad, a link), as conversation fields; None clears an older value."""
    return {"referral_source": referral.source or None, "referral_ref": referral.ref or referral.campaign_hint or None,
            "referral_ad_id": referral.ad_id or None}


class EventHandler:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.turns = TurnRunner(platform)
        self.names = CustomerNames(platform.redis, platform.http, platform.settings.graph_base, platform.cipher)
        # Events name their account (page, Instagram account, WhatsApp number); this is how the tenant is found.
        self.accounts: SharedReads[tuple[str, str], ChannelAccount | None] = SharedReads(
            lambda key: find_by_platform_account(platform.db, *key)
        )

    async def handle_delivery(self, channel: str, payload: dict, received_at_ms: int) -> None:
        # A read begun after this moment (an account, the knowledge version) saw every change made before the
        # delivery was picked up, so it is current for this delivery: concurrent deliveries share such reads.
        started = time.monotonic()
        adapter = adapter_for_channel(channel)
        events = sorted(adapter.parse(payload), key=lambda e: e.timestamp_ms)
        to_answer: dict[str, tuple[ChannelAccount, convs.Conversation]] = {}
        for event in events:
            self.platform.metrics.events.labels(event.platform, event.kind).inc()
            account = await self.accounts.get((event.platform, event.account_id), started)
            if account is None:
                log.info("event for an account no tenant has connected; dropped",
                         extra={"platform": event.platform, "account_id": event.account_id, "kind": event.kind})
                continue
            tenant_id_var.set(account.tenant_id)
            conversation = await self._dispatch(account, event, started)
            if conversation is not None:
                to_answer[conversation.id] = (account, conversation)
        # Different customers of one delivery are answered side by side.
        if to_answer:
            await asyncio.gather(*(self.turns.settle_and_answer(account, conversation, received_at_ms, fresh_since=started)
                                   for account, conversation in to_answer.values()))
            # Names are fetched after the reply went out: a nicety must not slow the answer.
            for account, conversation in to_answer.values():
                if not conversation.customer_name:
                    await self._fetch_name(account, conversation)

    async def _dispatch(self, account: ChannelAccount, event: ChannelEvent, started: float) -> convs.Conversation | None:
        """Handle one event; for a customer message to answer, its conversation."""
        db, tenant_id = self.platform.db, account.tenant_id
        if isinstance(event, InboundMessage):
            return await self._on_message(account, event, started)
        if isinstance(event, Echo):
            await self._on_echo(account, event)
        elif isinstance(event, Receipt):
            conversation = await convs.find_conversation(db, tenant_id, event.platform, event.account_id, event.customer_id)
            status = "read" if event.receipt == "read" else "delivered"
            for mid in event.message_ids:
                await convs.update_delivery(db, tenant_id, mid, status)
            if conversation and event.watermark_ms:
                watermark = datetime.fromtimestamp(event.watermark_ms / 1000, timezone.utc)
                await convs.mark_read_up_to(db, tenant_id, conversation.id, watermark, status)
        elif isinstance(event, StatusUpdate):
            await self._on_status(account, event)
        elif isinstance(event, StandaloneReferral):
            conversation = await convs.get_or_create_conversation(db, tenant_id, event.platform, event.account_id, event.customer_id)
            await self._note_referral(conversation, event.referral)
        elif isinstance(event, (Reaction, MessageDeleted)):
            log.info("customer event recorded", extra={"kind": event.kind, "platform": event.platform})
        return None

    async def _on_message(self, account: ChannelAccount, event: InboundMessage, started: float) -> convs.Conversation | None:
        db, tenant_id = self.platform.db, account.tenant_id
        text = message_text(event)
        conversation = await convs.find_conversation(db, tenant_id, event.platform, event.account_id, event.customer_id)
        created = False
        if conversation is None:
            # A new conversation is stored with its campaign, referral and first message's time in one write.
            referral = {k: v for k, v in _referral_fields(event.referral).items() if v} if event.referral else {}
            campaign_id = await self._choose_campaign(tenant_id, event.platform, text, referral.get("referral_ref") or "", started)
            at = convs.message_time(event)
            fields: dict[str, object] = {**referral, "last_customer_at": at, "last_message_at": at}
            if campaign_id:
                fields["campaign_id"] = campaign_id
            conversation, created = await convs.create_conversation(
                db, tenant_id, event.platform, event.account_id, event.customer_id, event.customer_name, **fields
            )
        if not created:
            conversation = await self._refresh(conversation, event, text, started)
        message, is_new = await convs.record_inbound(db, tenant_id, conversation, event, text)
        if not is_new and message.state != "pending":
            log.info("redelivered message ignored", extra={"platform": event.platform})
            return None
        if is_new:
            first = created or (conversation.created_at >= message.at - timedelta(seconds=5) and await self._first_message(conversation))
            await bump_daily(db, tenant_id, platform=event.platform, campaign_id=conversation.campaign_id,
                             messages_in=1, conversations=1 if first else 0)
        # On Messenger's standby channel another app owns the thread: keep the message, stay quiet.
        if event.standby:
            await convs.mark_inbound(db, tenant_id, [message.id], "skipped")
            return None
        # A backlog replayed after an outage is stored but not answered: the customer moved on.
        if event.timestamp_ms and convs.utcnow() - message.at > STALE_AFTER:
            await convs.mark_inbound(db, tenant_id, [message.id], "skipped")
            return None
        return conversation

    async def _refresh(
        self, conversation: convs.Conversation, event: InboundMessage, text: str, started: float
    ) -> convs.Conversation:
        """An existing conversation after this message: a name WhatsApp sent, an ad's referral, and a campaign
        if it has none yet (chosen before anything is counted, so its first messages count for it)."""
        fields: dict[str, str | None] = {}
        if event.customer_name and event.customer_name != conversation.customer_name:
            fields["customer_name"] = event.customer_name
        if event.referral is not None:
            fields.update(_referral_fields(event.referral))
        if not conversation.campaign_id:
            ref = fields.get("referral_ref") or conversation.referral_ref
            campaign_id = await self._choose_campaign(conversation.tenant_id, conversation.platform, text, ref, started)
            if campaign_id:
                fields["campaign_id"] = campaign_id
        if not fields:
            return conversation
        return await convs.update_conversation(self.platform.db, conversation.tenant_id, conversation.id, **fields) or conversation

    async def _fetch_name(self, account: ChannelAccount, conversation: convs.Conversation) -> None:
        name = await self.names.lookup(account, conversation.customer_id)
        if name:
            await convs.update_conversation(self.platform.db, conversation.tenant_id, conversation.id, customer_name=name)

    async def _choose_campaign(self, tenant_id: str, platform: str, text: str, ref: str, started: float) -> str:
        """The campaign a conversation's first message fits ("" if none does)."""
        # The cached catalog's products are the campaigns visible on this platform: no query while it is current.
        facts = await self.platform.knowledge.catalog_facts(self.platform.db, tenant_id, platform, fresh_since=started)
        chosen = choose_campaign(text, facts.products, None, ref)
        return chosen.id if chosen else ""

    async def _first_message(self, conversation: convs.Conversation) -> bool:
        count = await self.platform.db.messages.count_documents(
            {"tenant_id": conversation.tenant_id, "conversation_id": conversation.id, "direction": "in"}, limit=2
        )
        return count == 1

    async def _note_referral(self, conversation: convs.Conversation, referral: Referral) -> None:
        await convs.update_conversation(self.platform.db, conversation.tenant_id, conversation.id, **_referral_fields(referral))

    def _is_ours(self, event: Echo) -> bool:
        app_id = self.platform.settings.meta_app_id
        return bool(event.metadata.startswith(OUR_METADATA_PREFIX) or (app_id and event.app_id == app_id))

    async def _on_echo(self, account: ChannelAccount, event: Echo) -> None:
        db, tenant_id = self.platform.db, account.tenant_id
        if self._is_ours(event):
            if reference := reference_in(event.metadata):
                await note_sent_reply(self.platform, account, event.customer_id, reference,
                                      platform_message_id=event.message_id, text=event.text)
            return
        # Someone answered from the page's inbox or the phone: the bot steps back for this conversation.
        conversation = await convs.get_or_create_conversation(db, tenant_id, event.platform, event.account_id, event.customer_id)
        await convs.record_outbound(
            db, tenant_id, conversation.id, sender="human", text=event.text, source="inbox", delivery="sent",
            platform_message_id=event.message_id, message_id=convs.inbound_message_id(event.platform, event.account_id, "echo:" + event.message_id),
        )
        if conversation.status in ("bot", "handoff"):
            minutes = await self.turns.pause_minutes(tenant_id)
            await convs.update_conversation(
                db, tenant_id, conversation.id, status="human", paused_until=convs.utcnow() + timedelta(minutes=minutes)
            )
            log.info("a person answered from the inbox; bot paused", extra={"minutes": minutes})

    async def _on_status(self, account: ChannelAccount, event: StatusUpdate) -> None:
        db, tenant_id = self.platform.db, account.tenant_id
        message = await convs.update_delivery(
            db, tenant_id, event.message_id, event.status, error_code=event.error_code, error_title=event.error_title
        )
        reference = reference_in(event.callback_data)
        if message is None and reference and event.status in ("sent", "delivered", "read"):
            # WhatsApp's statuses carry no text: the reply is known to be sent, its words only to its worker.
            await note_sent_reply(self.platform, account, event.customer_id, reference,
                                  platform_message_id=event.message_id, text="")
        if event.status == "failed" and message is not None:
            detail = event.error_title or "send failed"
            if event.error_code in WINDOW_ERROR_CODES:
                detail = "outside the 24-hour window: the customer must write first, or use an approved template"
            await convs.update_conversation(
                db, tenant_id, message.conversation_id, last_error=detail, last_error_code=event.error_code or None
            )
            self.platform.metrics.send_failures.labels("status").inc()
