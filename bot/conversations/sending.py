"""Sending a reply exactly once: a fresh status check, the Graph call, then the reply stored under an id
derived from its turn, as `sent` (with Meta's id) or `failed`.

A turn whose reply is stored is never sent again. Each part of the send carries the turn (and the part) as its
reference, which Meta returns on the echo (Messenger, Instagram) or the statuses (WhatsApp): if the worker dies
between Meta's answer and its own write, that echo or status stores the reply (`note_sent_reply`), and the retry
finds it. Just before the call the conversation's status is read again, so the bot never talks over a person who
took over.

A send whose answer never came (Graph slower than the client's timeout, a dropped connection) may have reached
the customer: it is not repeated blindly. The reply is stored as `unknown` and the worker waits up to
`report_wait_s` for Meta's echo or status of that part; only without one does it send again, and only once: a
second unanswered send is left `unconfirmed` (probably delivered; shown to the owner as such). With echoes and
statuses subscribed (as Facebook Login does) that leaves no second reply; without them, a reply Meta did deliver
late is sent a second time after the wait.

A send Meta surely did not take (unreachable, server errors, rate limits, after the client's retries) is kept as
`retrying` and the conversation shows it as not answered yet; the delivery's next attempt sends that same text
(no second model call), and once the delivery is given up the conversation is failed (`undelivered.py`), for the
owner to retry. Every send also tells its channel's health: a success, or a failure of the channel's own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from bot.clock import Clock
from bot.conversations import messages as msgs
from bot.conversations import store as convs
from bot.conversations import undelivered
from bot.conversations.records import Conversation, ConversationStatus, Delivery, InboundState, Message, from_ms, to_ms
from bot.conversations.turn_ids import messages_of_turn
from bot.metrics import Metrics
from bot.outages import ride_out
from channels.accounts import ChannelAccount, account_token, mark_needs_reconnect, note_send_success, note_send_trouble
from channels.crypto import TokenCipher
from channels.graph import GraphClient
from channels.graph_errors import AccessRefused, GraphError, SendOutcomeUnknown
from channels.outbound import split_part_reference
from channels.pacing import SendPacer
from channels.problems import CHANNEL_PROBLEMS, PASSING_PROBLEMS, problem_of
from channels.registry import channel_for_platform
from knowledge.db import Db

log = logging.getLogger(__name__)

# How long after a send went unanswered its echo or status is awaited before the send is made again. Meta reports
# a send within seconds of taking it, and a Graph too slow to answer in 10 s is still busy with it for a while.
REPORT_WAIT_S = 30.0
# Sends of one reply that may go unanswered before it is left unconfirmed rather than sent once more.
MAX_UNANSWERED_SENDS = 2
_REPORT_POLL_S = 0.25


class PartUnconfirmed(SendOutcomeUnknown):
    """Part `part` (of `total`) of a reply was sent without an answer; the parts before it went (`ids`)."""

    def __init__(self, part: int, total: int, ids: list[str], kind: str) -> None:
        super().__init__(kind)
        self.part = part
        self.total = total
        self.ids = ids


# Asks, just before a send, whether this process still holds the conversation's lock (see bot/inbound/locks.py).
StillHeld = Callable[[], Awaitable[bool]]


class TurnSuperseded(Exception):
    """The conversation's lock passed to another worker while this one stood still: that worker answers the
    turn, so this one sends nothing and leaves the delivery to it."""


async def fence(still_held: StillHeld | None) -> None:
    """Raise TurnSuperseded when the caller's conversation lock is no longer its own."""
    if still_held is not None and not await still_held():
        raise TurnSuperseded("the conversation's lock passed to another worker before the send")


@dataclass
class SendOutcome:
    sent: bool
    message_ids: list[str] = field(default_factory=list)
    failure: type[GraphError] | None = None  # the family of Graph failure that kept it from going out
    error_code: int = 0
    detail: str = ""
    recorded: bool = False  # the reply was stored in the conversation (sent or failed), not withheld
    marked: bool = False  # the customer messages it answers were marked in the same write as its record
    problem: str = ""  # why it did not go out, as `channels.problems` names it


def _ad_started_at(conversation: Conversation) -> datetime | None:
    return conversation.source_at if conversation.source.kind == "ad" else None


def window_end(conversation: Conversation) -> datetime:
    """Until when the conversation may be answered freely (`channels/window.py`): 24 hours after the customer's
    last message, or, for a conversation a Messenger or Instagram ad started, 7 days after their first message after
    the click if later."""
    return channel_for_platform(conversation.platform).window.open_until(
        conversation.last_customer_at, _ad_started_at(conversation)
    )


def window_refusal(conversation: Conversation, sender: Literal["bot", "human"], now: datetime) -> str:
    """Why this send may not go out now ("" when it may): its channel's window rules (`channels/window.py`), from
    the customer's last message, or from their first after an ad click where the channel's ads lengthen it."""
    return channel_for_platform(conversation.platform).window.refusal_for(
        conversation.last_customer_at, sender, now, _ad_started_at(conversation)
    )


def window_tag(conversation: Conversation, now: datetime) -> str:
    """The message tag a person's late answer needs on its channel ("" inside the window)."""
    return channel_for_platform(conversation.platform).window.tag_for(
        conversation.last_customer_at, now, _ad_started_at(conversation)
    )


def report_wait_left(awaiting_since: datetime, now: datetime, wait_s: float) -> float:
    """Seconds still to wait for Meta's report of a send that went unanswered at `awaiting_since`."""
    return max(0.0, wait_s - (now - awaiting_since).total_seconds())


def to_resend(reply: Message) -> bool:
    """Whether a turn's stored reply is to be sent again when its turn runs again: one kept while Meta could not
    take it, or one failed for a reason that passes (its delivery given up, now replayed). A reply Meta refused
    for good (window, blocked, token) is not sent again by itself."""
    if reply.delivery == Delivery.retrying:
        return True
    return reply.delivery == Delivery.failed and reply.problem in PASSING_PROBLEMS


def reply_message_id(turn_id: str) -> str:
    """The stored id of a turn's reply: one per turn, so a second attempt finds the first one's record."""
    return f"out_{turn_id}"


class ReplySender:
    """Sends through Graph with the window rules and pacing; records permanent failures where the owner sees them."""

    def __init__(
        self,
        db: Db,
        graph: GraphClient,
        cipher: TokenCipher,
        pacer: SendPacer,
        metrics: Metrics,
        clock: Clock,
        *,
        report_wait_s: float = REPORT_WAIT_S,
    ) -> None:
        self._db = db
        self._graph = graph
        self._cipher = cipher
        self._pacer = pacer
        self._metrics = metrics
        self._clock = clock
        self._report_wait_s = report_wait_s

    async def _send_requests(
        self,
        account: ChannelAccount,
        recipient_id: str,
        text: str,
        *,
        reply_to: str,
        tag: str,
        reference: str,
        first_part: int = 0,
    ) -> list[str]:
        """Send the parts of `text` from `first_part` on; PartUnconfirmed when one goes unanswered."""
        channel = channel_for_platform(account.platform)
        token = account_token(self._cipher, account)
        requests = channel.build_send_requests(
            account.account_id, recipient_id, text, reply_to_message_id=reply_to, tag=tag, reference=reference
        )
        ids: list[str] = []
        for index, request in enumerate(requests[first_part:], start=first_part):
            try:
                result = await self._graph.send(
                    request, token, pace=self._pacer.for_send(account.platform, account.account_id, request)
                )
            except SendOutcomeUnknown as exc:
                raise PartUnconfirmed(index, len(requests), ids, exc.message) from None
            ids.append(result.message_id)
        return ids

    async def deliver(
        self,
        account: ChannelAccount,
        conversation: Conversation,
        text: str,
        *,
        reply_to: str = "",
        sender: Literal["bot", "human"] = "bot",
        reference: str = "",
        first_part: int = 0,
    ) -> SendOutcome:
        """One Graph send with the window rules. `reference` comes back on the send's echo or statuses
        (see `channels.outbound.our_metadata`)."""
        db, tenant_id, now = self._db, conversation.tenant_id, self._clock.now()
        if refusal := window_refusal(conversation, sender, now):
            await convs.update_conversation(db, tenant_id, conversation.id, last_error=refusal)
            failure = channel_for_platform(conversation.platform).window.failure
            return SendOutcome(False, failure=failure, detail=refusal, problem=problem_of(failure(0, 0, 0, refusal)))
        try:
            ids = await self._send_requests(
                account,
                conversation.customer_id,
                text,
                reply_to=reply_to,
                tag=window_tag(conversation, now),
                reference=reference,
                first_part=first_part,
            )
        except GraphError as exc:
            problem = problem_of(exc)
            if problem in CHANNEL_PROBLEMS:
                await note_send_trouble(db, account, problem, to_ms(self._clock.now()))
            if exc.transient:
                raise  # retries are exhausted for now: leave the delivery pending so it is tried again
            self._metrics.send_failures.labels(problem).inc()
            if isinstance(exc, AccessRefused):
                await mark_needs_reconnect(db, tenant_id, account.id, exc.code, exc.message)
            await convs.update_conversation(
                db, tenant_id, conversation.id, last_error=exc.message[:300], last_error_code=exc.code or None
            )
            log.warning("send failed for good", extra={"failure": type(exc).__name__, "code": exc.code})
            return SendOutcome(False, failure=type(exc), error_code=exc.code, detail=exc.message, problem=problem)
        return SendOutcome(True, ids)

    async def send_turn_reply(
        self,
        account: ChannelAccount,
        conversation: Conversation,
        text: str,
        *,
        turn_id: str,
        source: str,
        reply_to: str = "",
        status_after: str = "",
        marks: Sequence[msgs.InboundMark] = (),
        still_held: StillHeld | None = None,
    ) -> SendOutcome:
        """Send a turn's reply and store it under the turn's reply id; the caller has checked that no reply of
        this turn is stored yet. The conversation's newest-message time is left to the turn's closing write.
        `status_after` is the status the turn gives the conversation (kept with a reply whose send goes unanswered
        or is retried). A send Meta could not take raises GraphError after the reply was kept for the next attempt.
        `marks`: the states the turn gives its customer messages, written with the reply's record when the send
        ends in one (`SendOutcome.marked`); otherwise they are the caller's to write. `still_held`: asked last,
        TurnSuperseded when the conversation's lock is no longer the caller's."""
        fresh = await convs.get_conversation(self._db, conversation.tenant_id, conversation.id)
        if fresh is None or fresh.silent:
            return SendOutcome(False, detail="a person has this conversation")
        await fence(still_held)
        return await self._send_kept(
            account,
            fresh,
            text,
            turn_id=turn_id,
            source=source,
            reply_to=reply_to,
            status_after=status_after,
            marks=marks,
            still_held=still_held,
        )

    async def resend_reply(
        self,
        account: ChannelAccount,
        record: Message,
        *,
        reply_to: str = "",
        keep_trying: bool = True,
        still_held: StillHeld | None = None,
    ) -> SendOutcome:
        """Send a kept message again, the same text under the same id, so however it ends it is stored once: a turn's
        reply Meta could not take before (`retrying`), or a failed message the owner retries. With `keep_trying`
        (the queue's next attempt) a send Meta cannot take yet raises GraphError and stays `retrying`; without it
        (the owner pressed Retry) the failure is final and returned at once."""
        fresh = await convs.get_conversation(self._db, record.tenant_id, record.conversation_id)
        if fresh is None:
            return SendOutcome(False, detail="the conversation is gone")
        if record.sender == "human" or not record.turn_id:
            _, outcome = await self.send_as_person(account, fresh, record.text, message_id=record.id)
            return outcome
        if fresh.silent and fresh.status.value != record.status_after:
            # A person took the conversation since: the bot does not talk over them.
            return SendOutcome(False, detail="a person has this conversation")
        await fence(still_held)
        return await self._send_kept(
            account,
            fresh,
            record.text,
            turn_id=record.turn_id,
            source=record.source,
            reply_to=reply_to,
            status_after=record.status_after,
            keep_trying=keep_trying,
            still_held=still_held,
        )

    async def send_as_person(
        self, account: ChannelAccount, conversation: Conversation, text: str, *, message_id: str
    ) -> tuple[Message, SendOutcome]:
        """A person's message (the owner's, from the inbox) sent and stored under `message_id` as sent or failed; a
        Meta that cannot be reached fails it at once, in words, for the owner to retry."""
        try:
            outcome = await self.deliver(account, conversation, text, sender="human")
        except GraphError as exc:
            outcome = SendOutcome(False, failure=type(exc), error_code=exc.code, detail=exc.message, problem=problem_of(exc))
        message = await msgs.record_outbound(
            self._db,
            conversation.tenant_id,
            conversation.id,
            sender="human",
            text=text,
            source="human",
            delivery=Delivery.sent if outcome.sent else Delivery.failed,
            message_id=message_id,
            platform_message_id=outcome.message_ids[0] if outcome.message_ids else "",
            error_code=outcome.error_code,
            error_title=outcome.detail[:300] if not outcome.sent else "",
            problem=outcome.problem,
            replace=True,
            now=self._clock.now(),
        )
        await self._settle_conversation(account, conversation, outcome, message_id)
        return message, outcome

    async def _send_kept(
        self,
        account: ChannelAccount,
        fresh: Conversation,
        text: str,
        *,
        turn_id: str,
        source: str,
        reply_to: str,
        status_after: str,
        keep_trying: bool = True,
        marks: Sequence[msgs.InboundMark] = (),
        still_held: StillHeld | None = None,
    ) -> SendOutcome:
        db, tenant_id = self._db, fresh.tenant_id
        try:
            outcome = await self.deliver(account, fresh, text, reply_to=reply_to, reference=turn_id)
        except PartUnconfirmed as unconfirmed:
            total, part = unconfirmed.total, unconfirmed.part
            await ride_out(
                lambda: msgs.hold_unconfirmed_reply(
                    db,
                    tenant_id,
                    fresh.id,
                    message_id=reply_message_id(turn_id),
                    text=text,
                    source=source,
                    turn_id=turn_id,
                    parts_total=total,
                    confirmed=part,
                    status_after=status_after,
                    now=self._clock.now(),
                ),
                what="an unanswered reply's record",
            )
            self._metrics.send_failures.labels("unconfirmed").inc()
            outcome = await self.settle_unconfirmed(account, fresh, turn_id, reply_to=reply_to, still_held=still_held)
            await self._settle_conversation(account, fresh, outcome, reply_message_id(turn_id))
            return outcome
        except GraphError as exc:
            problem = problem_of(exc)
            if keep_trying:
                await self._keep_for_retry(
                    fresh, text, turn_id=turn_id, source=source, status_after=status_after, problem=problem
                )
                raise
            outcome = SendOutcome(False, failure=type(exc), error_code=exc.code, detail=exc.message, problem=problem)
        await self._store_reply(fresh, text, turn_id=turn_id, source=source, outcome=outcome, marks=marks)
        await self._settle_conversation(account, fresh, outcome, reply_message_id(turn_id))
        return outcome

    async def _keep_for_retry(
        self, conversation: Conversation, text: str, *, turn_id: str, source: str, status_after: str, problem: str
    ) -> None:
        """Meta could not take the reply in this attempt: it is kept as `retrying` (the next attempt sends this same
        text, no second model call), and the conversation shows it is not answered yet, with the status its turn
        gives it (a customer who asked for a person waits for one, told so or not)."""
        now, message_id = self._clock.now(), reply_message_id(turn_id)
        await ride_out(
            lambda: msgs.record_outbound(
                self._db,
                conversation.tenant_id,
                conversation.id,
                sender="bot",
                text=text,
                source=source,
                delivery=Delivery.retrying,
                turn_id=turn_id,
                message_id=message_id,
                problem=problem,
                status_after=status_after,
                replace=True,
                now=now,
            ),
            what="a reply kept for its retry",
        )
        status = ConversationStatus(status_after) if status_after else None
        await undelivered.note_pending(self._db, conversation, problem=problem, message_id=message_id, now=now, status=status)
        log.warning("reply kept for the next attempt", extra={"problem": problem, "platform": conversation.platform})

    async def give_up_retry(self, record: Message) -> None:
        """A kept reply that will not be sent by itself (a person has the conversation now): failed, for the owner."""
        await msgs.record_outbound(
            self._db,
            record.tenant_id,
            record.conversation_id,
            sender="bot",
            text=record.text,
            source=record.source,
            delivery=Delivery.failed,
            turn_id=record.turn_id,
            message_id=record.id,
            problem=record.problem,
            status_after=record.status_after,
            advance=False,
            replace=True,
            now=record.at,
        )
        conversation = await convs.get_conversation(self._db, record.tenant_id, record.conversation_id)
        if conversation is not None:
            await undelivered.note_failed(
                self._db, conversation, problem=record.problem or "not_answered", message_id=record.id, now=self._clock.now()
            )

    async def _settle_conversation(
        self, account: ChannelAccount, conversation: Conversation, outcome: SendOutcome, message_id: str
    ) -> None:
        """After a send is stored (never before: the record is what keeps a retry from sending twice), the
        conversation's delivery: answered (whatever failed before), or failed with its problem; and the channel's
        health, which a send that went through proves."""
        if outcome.sent:
            await undelivered.note_delivered(self._db, conversation)
            await note_send_success(self._db, account, to_ms(self._clock.now()))
        elif outcome.problem:
            await undelivered.note_failed(
                self._db, conversation, problem=outcome.problem, message_id=message_id, now=self._clock.now()
            )

    async def _store_reply(
        self,
        conversation: Conversation,
        text: str,
        *,
        turn_id: str,
        source: str,
        outcome: SendOutcome,
        marks: Sequence[msgs.InboundMark] = (),
    ) -> None:
        # Written whole over any record the send's own echo or status made first (`note_sent_reply`). A send that
        # went out is recorded whatever it takes: a MongoDB outage here is waited out, since a retry of the turn
        # that found no record would send the reply a second time.
        await ride_out(
            lambda: msgs.record_outbound(
                self._db,
                conversation.tenant_id,
                conversation.id,
                sender="bot",
                text=text,
                source=source,
                delivery=Delivery.sent if outcome.sent else Delivery.failed,
                turn_id=turn_id,
                message_id=reply_message_id(turn_id),
                platform_message_id=outcome.message_ids[0] if outcome.message_ids else "",
                error_code=outcome.error_code,
                error_title=outcome.detail[:300] if not outcome.sent else "",
                problem=outcome.problem if not outcome.sent else "",
                advance=False,
                replace=True,
                marks=marks,
                now=self._clock.now(),
            ),
            what="a sent reply's record",
        )
        outcome.recorded, outcome.marked = True, bool(marks)

    async def settle_unconfirmed(
        self,
        account: ChannelAccount,
        conversation: Conversation,
        turn_id: str,
        *,
        reply_to: str = "",
        still_held: StillHeld | None = None,
    ) -> SendOutcome:
        """Finish a turn's reply stored as `unknown`: wait for Meta's report of its unanswered part, and only without
        one send again what is not confirmed; after MAX_UNANSWERED_SENDS unanswered sends it is left `unconfirmed`.
        `still_held`: asked before sending again (TurnSuperseded when the conversation's lock passed on)."""
        db, tenant_id, message_id = self._db, conversation.tenant_id, reply_message_id(turn_id)
        while True:
            record = await self._await_report(tenant_id, message_id)
            if record is None:
                return SendOutcome(False, detail="the reply's record is gone")
            if record.delivery != Delivery.unknown or record.parts_confirmed >= record.parts_total:
                outcome = SendOutcome(
                    record.delivery != Delivery.failed, [record.platform_message_id] if record.platform_message_id else []
                )
                await self._store_reply(conversation, record.text, turn_id=turn_id, source=record.source, outcome=outcome)
                log.info(
                    "an unanswered send was confirmed by Meta's report; not sent again", extra={"platform": account.platform}
                )
                return outcome
            if record.unanswered_sends >= MAX_UNANSWERED_SENDS:
                log.warning(
                    "a reply sent twice without an answer or a report is left unconfirmed", extra={"platform": account.platform}
                )
                await ride_out(
                    lambda record=record: msgs.record_outbound(  # type: ignore[misc]
                        db,
                        tenant_id,
                        conversation.id,
                        sender="bot",
                        text=record.text,
                        source=record.source,
                        delivery=Delivery.unconfirmed,
                        turn_id=turn_id,
                        message_id=message_id,
                        error_title="Meta did not confirm this reply",
                        advance=False,
                        replace=True,
                        now=self._clock.now(),
                    ),
                    what="an unconfirmed reply's record",
                )
                return SendOutcome(True, recorded=True, detail="sent, not confirmed by Meta")
            # No report: that part never reached Meta (or its echoes and statuses are not subscribed). Send the rest.
            fresh = await convs.get_conversation(db, tenant_id, conversation.id)
            if fresh is None or fresh.silent:
                outcome = SendOutcome(False, detail="not confirmed by Meta, and a person has the conversation now")
                await self._store_reply(conversation, record.text, turn_id=turn_id, source=record.source, outcome=outcome)
                return outcome
            log.warning(
                "an unanswered send not reported by Meta; sending what is not confirmed again",
                extra={"platform": account.platform, "first_part": record.parts_confirmed},
            )
            await fence(still_held)
            try:
                outcome = await self.deliver(
                    account, fresh, record.text, reply_to=reply_to, reference=turn_id, first_part=record.parts_confirmed
                )
            except PartUnconfirmed as again:
                total, part, since = again.total, again.part, self._clock.now()
                await ride_out(
                    lambda record=record, total=total, part=part, since=since: msgs.hold_unconfirmed_reply(  # type: ignore[misc]
                        db,
                        tenant_id,
                        conversation.id,
                        message_id=message_id,
                        text=record.text,
                        source=record.source,
                        turn_id=turn_id,
                        parts_total=total,
                        confirmed=part,
                        status_after=record.status_after,
                        now=since,
                    ),
                    what="an unanswered reply's record",
                )
                continue
            if record.platform_message_id and outcome.sent:
                outcome.message_ids.insert(0, record.platform_message_id)
            await self._store_reply(conversation, record.text, turn_id=turn_id, source=record.source, outcome=outcome)
            return outcome

    async def _await_report(self, tenant_id: str, message_id: str) -> Message | None:
        """The reply's record once Meta reported its unanswered part, or as it stands when the wait is over."""
        record = await msgs.get_message(self._db, tenant_id, message_id)
        if record is None or record.delivery != Delivery.unknown:
            return record
        waiting_for = record.awaiting_part
        left = report_wait_left(from_ms(record.awaiting_since_ms), self._clock.now(), self._report_wait_s)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + left
        while record is not None and record.delivery == Delivery.unknown and record.parts_confirmed <= waiting_for:
            if loop.time() >= deadline:
                break
            await asyncio.sleep(min(_REPORT_POLL_S, max(0.0, deadline - loop.time())))
            record = await msgs.get_message(self._db, tenant_id, message_id)
        return record

    async def note_sent_reply(
        self, account: ChannelAccount, customer_id: str, reference: str, *, platform_message_id: str, text: str
    ) -> None:
        """Meta reports a send of ours made for a turn (`reference`, naming the part): make sure the turn's reply is
        stored, so a retry of a turn whose worker died before storing it does not send again; and confirm the part
        of a reply whose send went unanswered. A reply stored already is otherwise left as it is."""
        db, tenant_id = self._db, account.tenant_id
        turn_id, part = split_part_reference(reference)
        message_id = reply_message_id(turn_id)
        if not turn_id.startswith("turn_"):
            return  # not a turn's reply
        stored = await msgs.get_message(db, tenant_id, message_id)
        if stored is not None:
            if stored.delivery == Delivery.unknown:
                await msgs.confirm_reply_part(db, tenant_id, message_id, part, platform_message_id)
            return  # otherwise stored by its worker as usual
        conversation = await convs.find_conversation(db, tenant_id, account.platform, account.account_id, customer_id)
        if conversation is None:
            return
        await msgs.record_outbound(
            db,
            tenant_id,
            conversation.id,
            sender="bot",
            text=text,
            source="",
            delivery=Delivery.sent,
            turn_id=turn_id,
            message_id=message_id,
            platform_message_id=platform_message_id,
            advance=False,
            now=self._clock.now(),
        )
        await msgs.confirm_reply_part(db, tenant_id, message_id, part, platform_message_id)
        # The messages this reply answered are answered: a newer message stored meanwhile makes the next turn's id
        # another one, and that turn must not answer them a second time.
        waiting = [m.id for m in await msgs.pending_inbound(db, tenant_id, conversation.id)]
        answered = messages_of_turn(turn_id, waiting)
        if answered:
            await msgs.mark_inbound(db, tenant_id, answered, InboundState.answered)
        log.info("a reply its worker did not store was stored from Meta's report", extra={"platform": account.platform})
