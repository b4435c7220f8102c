"""Sending a reply exactly once: a fresh status check, the Graph call, then the reply stored under an id
derived from its turn, as `sent` (with Meta's id) or `failed`.

A turn whose reply is stored is never sent again. The send carries the turn as its reference, which Meta
returns on the echo (Messenger, Instagram) or the statuses (WhatsApp): if the worker dies between Meta's
answer and its own write, that echo or status stores the reply (`note_sent_reply`), and the retry finds
it. Only a retry that runs before the echo or status arrived can still repeat a send. Just before the
call the conversation's status is read again, so the bot never talks over a person who took over.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from pymongo.asynchronous.database import AsyncDatabase

from bot.clock import Clock
from bot.conversations import store as convs
from bot.conversations.records import Conversation, Delivery
from bot.metrics import Metrics
from channels.accounts import ChannelAccount, account_token, mark_needs_reconnect
from channels.base import adapter_for_platform
from channels.crypto import TokenCipher
from channels.graph import GraphClient, GraphError
from channels.pacing import SendPacer

log = logging.getLogger(__name__)

# Meta's customer-service window: the bot may answer for 24 hours after the customer's last message.
WINDOW = timedelta(hours=24)


@dataclass
class SendOutcome:
    sent: bool
    message_ids: list[str] = field(default_factory=list)
    error_category: str = ""
    error_code: int = 0
    detail: str = ""
    recorded: bool = False  # the reply was stored in the conversation (sent or failed), not withheld


def window_refusal(conversation: Conversation, sender: Literal["bot", "human"], now: datetime) -> str:
    """Why this send may not go out now ("" when it may): the 24-hour window, which a person on Messenger or
    Instagram may pass with the HUMAN_AGENT tag (see `window_tag`)."""
    if now - conversation.last_customer_at <= WINDOW:
        return ""
    if conversation.platform == "whatsapp":
        return "outside the 24-hour window: WhatsApp needs an approved template"
    return "outside the 24-hour window" if sender == "bot" else ""


def window_tag(conversation: Conversation, now: datetime) -> str:
    """The message tag a person's late answer needs (up to 7 days on Messenger and Instagram)."""
    return "HUMAN_AGENT" if now - conversation.last_customer_at > WINDOW else ""


def reply_message_id(turn_id: str) -> str:
    """The stored id of a turn's reply: one per turn, so a second attempt finds the first one's record."""
    return f"out_{turn_id}"


class ReplySender:
    """Sends through Graph with the window rules and pacing; records permanent failures where the owner sees them."""

    def __init__(
        self, db: AsyncDatabase, graph: GraphClient, cipher: TokenCipher, pacer: SendPacer, metrics: Metrics, clock: Clock
    ) -> None:
        self._db = db
        self._graph = graph
        self._cipher = cipher
        self._pacer = pacer
        self._metrics = metrics
        self._clock = clock

    async def _send_requests(
        self, account: ChannelAccount, recipient_id: str, text: str, *, reply_to: str, tag: str, reference: str
    ) -> list[str]:
        adapter = adapter_for_platform(account.platform)
        token = account_token(self._cipher, account)
        requests = adapter.build_send_requests(
            account.account_id, recipient_id, text, reply_to_message_id=reply_to, tag=tag, reference=reference
        )
        ids: list[str] = []
        for request in requests:
            result = await self._graph.send(request, token, pace=self._pacer.for_send(account.platform, account.account_id, request))
            ids.append(result.message_id)
        return ids

    async def deliver(
        self, account: ChannelAccount, conversation: Conversation, text: str, *,
        reply_to: str = "", sender: Literal["bot", "human"] = "bot", reference: str = "",
    ) -> SendOutcome:
        """One Graph send with the window rules. `reference` comes back on the send's echo or statuses
        (see `channels.outbound.our_metadata`)."""
        db, tenant_id, now = self._db, conversation.tenant_id, self._clock.now()
        if refusal := window_refusal(conversation, sender, now):
            await convs.update_conversation(db, tenant_id, conversation.id, last_error=refusal)
            return SendOutcome(False, error_category="window", detail=refusal)
        try:
            ids = await self._send_requests(
                account, conversation.customer_id, text, reply_to=reply_to, tag=window_tag(conversation, now), reference=reference
            )
        except GraphError as exc:
            if exc.transient:
                raise  # retries are exhausted for now: leave the delivery pending so it is tried again
            self._metrics.send_failures.labels(exc.category).inc()
            if exc.category == "auth":
                await mark_needs_reconnect(db, tenant_id, account.id, exc.code, exc.message)
            await convs.update_conversation(db, tenant_id, conversation.id, last_error=exc.message[:300],
                                            last_error_code=exc.code or None)
            log.warning("send failed for good", extra={"category": exc.category, "code": exc.code})
            return SendOutcome(False, error_category=exc.category, error_code=exc.code, detail=exc.message)
        return SendOutcome(True, ids)

    async def send_turn_reply(
        self, account: ChannelAccount, conversation: Conversation, text: str, *, turn_id: str, source: str, reply_to: str = ""
    ) -> SendOutcome:
        """Send a turn's reply and store it under the turn's reply id; the caller has checked that no reply of
        this turn is stored yet. The conversation's newest-message time is left to the turn's closing write."""
        db, tenant_id = self._db, conversation.tenant_id
        fresh = await convs.get_conversation(db, tenant_id, conversation.id)
        if fresh is None or fresh.silent:
            return SendOutcome(False, detail="a person has this conversation")
        outcome = await self.deliver(account, fresh, text, reply_to=reply_to, reference=turn_id)
        # Written whole over any record the send's own echo or status made first (`note_sent_reply`).
        await convs.record_outbound(
            db, tenant_id, conversation.id, sender="bot", text=text, source=source,
            delivery=Delivery.sent if outcome.sent else Delivery.failed, turn_id=turn_id, message_id=reply_message_id(turn_id),
            platform_message_id=outcome.message_ids[0] if outcome.message_ids else "",
            error_code=outcome.error_code, error_title=outcome.detail[:300] if not outcome.sent else "", advance=False,
            replace=True, now=self._clock.now(),
        )
        outcome.recorded = True
        return outcome

    async def note_sent_reply(
        self, account: ChannelAccount, customer_id: str, turn_id: str, *, platform_message_id: str, text: str
    ) -> None:
        """Meta reports a send of ours made for `turn_id`: make sure the turn's reply is stored, so a retry of a
        turn whose worker died before storing it does not send again. A reply stored already is left as it is."""
        db, tenant_id = self._db, account.tenant_id
        message_id = reply_message_id(turn_id)
        if not turn_id.startswith("turn_") or await convs.get_message(db, tenant_id, message_id) is not None:
            return  # not a turn's reply, or stored by its worker as usual
        conversation = await convs.find_conversation(db, tenant_id, account.platform, account.account_id, customer_id)
        if conversation is None:
            return
        await convs.record_outbound(
            db, tenant_id, conversation.id, sender="bot", text=text, source="", delivery=Delivery.sent, turn_id=turn_id,
            message_id=message_id, platform_message_id=platform_message_id, advance=False, now=self._clock.now(),
        )
        log.info("a reply its worker did not store was stored from Meta's report", extra={"platform": account.platform})
