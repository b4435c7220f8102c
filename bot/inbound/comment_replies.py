"""Private (and optional public) replies to comments, each sent at most once, and the conversation they open.

A comment's reply has one record in `comment_replies`, keyed by the comment (`reply_key`): the first delivery
claims it (`sending`, with a lease), and it ends `sent` or `failed`. A redelivery (Meta sends ad comments twice)
finds it ended and stops, or finds it leased by an attempt under way and fails for the queue to try it later (by
then it has ended). A send Meta could not take yet (rate limit, outage) gives the lease back and raises, so the
queue tries the delivery again; an attempt that died keeps its lease until it runs out, then a retry takes the
claim over. Meta itself takes one private reply per comment, so a retry after a send that did go out is told so
(10900) and counts as sent.

The public reply is a step of its own on the same record: written down as due (`public_state: sending`, no lease)
when the comment is claimed, claimed with a short lease of its own once the private reply ended, and marked sent
only after Meta's answer. So a worker that dies between the two replies (or during the public one) leaves the
public reply due: the delivery's retry finds the private reply ended, sends nothing private, and sends the public
reply once. A retry that takes over a dead attempt's lease first reads the answers under the comment: the
account's own one there means the dead attempt's reply went out, and it is not sent again.

The private reply's answer names the customer in the page's thread (`recipient_id`): the conversation is opened
with that id, attributed to the comment (`source {kind: comment, post_id, comment_id}`), and holds the comment
and the reply. When the customer answers, their message finds this conversation and it continues as any other;
until then the 24-hour window is closed, as Meta wants.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from bot.clock import Clock
from bot.conversations import messages as msgs
from bot.conversations import store as convs
from bot.conversations.records import Conversation, Delivery, InboundState, to_ms
from bot.conversations.source import record_referral
from bot.conversations.store import (  # indexed, read and erased with the conversations
    COMMENT_REPLIES,
    COMMENTS_RECEIVED,
)
from bot.inbound.comment_plan import (
    REFERENCE_PREFIX,
    CommentReply,
    answered_by_account,
    one_message,
    plan_comment,
    private_reply_request,
    public_reply_request,
    reply_key,
    skip_reason,
)
from bot.metrics import Metrics
from bot.sales.attribution import ConversationSource
from channels.accounts import ChannelAccount, account_token, mark_needs_reconnect
from channels.crypto import TokenCipher
from channels.events import Comment
from channels.graph import GraphClient
from channels.graph_errors import AccessRefused, CommentReplyRefused, GraphError
from channels.pacing import SendPacer
from channels.problems import problem_of
from knowledge.campaigns import visible_campaigns
from knowledge.db import Db

log = logging.getLogger(__name__)


# How long a claim keeps other attempts off: longer than a send with its retries takes.
CLAIM_LEASE_MS = 120_000
# The public reply is one request (10 s timeout, never repeated blindly): a shorter lease lets the retry of a dead
# attempt send it sooner.
PUBLIC_LEASE_MS = 30_000
# A public reply's lease given back after an attempt that may have reached Meta: free to take, and checked first.
TRIED_BEFORE = 1


class CommentReplyBusy(Exception):
    """Another attempt is sending this comment's reply now: this delivery is tried again later."""


class ReplyState:
    sending = "sending"
    sent = "sent"
    failed = "failed"


def _source(event: Comment) -> ConversationSource:
    return ConversationSource(
        kind="comment", post_id=event.post_id[:128], comment_id=event.comment_id[:128], ad_id=event.ad_id[:64]
    )


class CommentReplier:
    def __init__(self, db: Db, graph: GraphClient, cipher: TokenCipher, pacer: SendPacer, metrics: Metrics, clock: Clock) -> None:
        self._db = db
        self._graph = graph
        self._cipher = cipher
        self._pacer = pacer
        self._metrics = metrics
        self._clock = clock

    async def on_comment(self, account: ChannelAccount, event: Comment) -> None:
        now = self._clock.now()
        await self._count_received(account, event, now)
        if reason := skip_reason(event, now):
            log.info("comment not answered", extra={"platform": event.platform, "reason": reason})
            return
        campaigns = await visible_campaigns(self._db, account.tenant_id, event.platform)
        reply = plan_comment(event, campaigns, now)
        if reply is None:
            log.info("comment matches no campaign's rules", extra={"platform": event.platform})
            return
        claim = await self._claim(account, event, reply, now)
        if claim is None:
            log.info(
                "comment's private reply ended before; only a public reply still due is sent", extra={"platform": event.platform}
            )
        else:
            await self._send_private(account, event, reply, retrying=claim)
        await self._send_public(account, event)

    async def _count_received(self, account: ChannelAccount, event: Comment, now: datetime) -> None:
        """Keep a new comment someone else wrote (once, however often Meta delivers it), for its post's figures."""
        if event.verb != "add" or event.from_account or event.customer_id == event.account_id:
            return
        doc = {
            "_id": reply_key(event),
            "tenant_id": account.tenant_id,
            "platform": event.platform,
            "at_ms": event.timestamp_ms or to_ms(now),
        }
        named = {"post_id": event.post_id, "ad_id": event.ad_id}
        try:
            await self._db[COMMENTS_RECEIVED].insert_one(doc | {k: v for k, v in named.items() if v})
        except DuplicateKeyError:
            pass

    async def give_up(self, account: ChannelAccount, event: Comment) -> bool:
        """The comment's delivery was given up (Meta could not take the reply in any attempt): a reply still being
        sent is failed, for the owner to read why. True when one was."""
        key = reply_key(event)
        given_up = await self._db[COMMENT_REPLIES].update_one(
            {"_id": key, "tenant_id": account.tenant_id, "state": ReplyState.sending},
            {"$set": {"state": ReplyState.failed, "problem": "gave_up", "error": "Meta could not take it in time"}},
        )
        await self._db[COMMENT_REPLIES].update_one(
            {"_id": key, "tenant_id": account.tenant_id, "public_state": ReplyState.sending},
            {"$set": {"public_state": ReplyState.failed, "public_error": "Meta could not take it in time"}},
        )
        return given_up.modified_count == 1

    async def _claim(self, account: ChannelAccount, event: Comment, reply: CommentReply, now: datetime) -> bool | None:
        """Take the comment's record: False when new, True when an earlier attempt claimed it and let go or died
        (send again), None when its private reply already ended (nothing more to do). CommentReplyBusy while
        another attempt holds it."""
        key, now_ms = reply_key(event), to_ms(now)
        doc = {
            "_id": key,
            "tenant_id": account.tenant_id,
            "platform": event.platform,
            "account_id": event.account_id,
            "comment_id": event.comment_id,
            "post_id": event.post_id,
            "campaign_id": reply.campaign_id,
            **({"ad_id": event.ad_id} if event.ad_id else {}),
            "state": ReplyState.sending,
            "lease_until_ms": now_ms + CLAIM_LEASE_MS,
            "at": now,
        }
        if reply.public_text:  # due from now on: sent after the private reply, by whichever attempt gets there
            doc |= {"public_state": ReplyState.sending, "public_text": reply.public_text, "public_lease_until_ms": 0}
        try:
            await self._db[COMMENT_REPLIES].insert_one(doc)
            return False
        except DuplicateKeyError:
            pass
        taken = await self._db[COMMENT_REPLIES].update_one(
            {"_id": key, "tenant_id": account.tenant_id, "state": ReplyState.sending, "lease_until_ms": {"$lt": now_ms}},
            {"$set": {"lease_until_ms": now_ms + CLAIM_LEASE_MS}},
        )
        if taken.modified_count == 1:
            return True
        found = await self._db[COMMENT_REPLIES].find_one({"_id": key, "tenant_id": account.tenant_id})
        if found is not None and found.get("state") == ReplyState.sending:
            raise CommentReplyBusy("another attempt is sending this comment's private reply")
        return None

    async def _finish(self, event: Comment, tenant_id: str, **fields: Any) -> None:
        await self._db[COMMENT_REPLIES].update_one({"_id": reply_key(event), "tenant_id": tenant_id}, {"$set": fields})

    async def _send_private(self, account: ChannelAccount, event: Comment, reply: CommentReply, *, retrying: bool) -> None:
        request = private_reply_request(event, reply.private_text)
        token = account_token(self._cipher, account)
        try:
            result = await self._graph.send(
                request, token, pace=self._pacer.for_send(account.platform, account.account_id, request)
            )
        except CommentReplyRefused as exc:
            if retrying and exc.already_replied:
                # An earlier attempt's send went out before its worker could write it down.
                await self._finish(event, account.tenant_id, state=ReplyState.sent)
                return
            await self._fail(account, event, exc)
            return
        except GraphError as exc:
            if exc.transient:
                # The delivery is tried again, and its next attempt may take the claim at once.
                await self._finish(event, account.tenant_id, lease_until_ms=0)
                raise
            if isinstance(exc, AccessRefused):
                await mark_needs_reconnect(self._db, account.tenant_id, account.id, exc.code, exc.message)
            await self._fail(account, event, exc)
            return
        conversation = await self._open_conversation(account, event, reply, result.recipient_id or event.customer_id)
        await msgs.record_outbound(
            self._db,
            account.tenant_id,
            conversation.id,
            sender="bot",
            text=one_message(event.platform, reply.private_text),
            source="comment",
            delivery=Delivery.sent,
            platform_message_id=result.message_id,
            message_id=f"out_{REFERENCE_PREFIX}{reply_key(event)}",
            now=self._clock.now(),
        )
        await self._finish(event, account.tenant_id, state=ReplyState.sent, conversation_id=conversation.id)
        self._metrics.events.labels(event.platform, "comment_reply").inc()
        log.info("comment answered with a private reply", extra={"platform": event.platform})

    async def _fail(self, account: ChannelAccount, event: Comment, exc: GraphError) -> None:
        """A private reply Meta refused for good: kept with Meta's reason, which the owner reads in the list of
        comment replies; never sent again."""
        problem = "comment_refused" if isinstance(exc, CommentReplyRefused) else problem_of(exc)
        await self._finish(
            event, account.tenant_id, state=ReplyState.failed, error_code=exc.code, error=exc.message[:300], problem=problem
        )
        self._metrics.send_failures.labels(problem).inc()
        log.warning("private reply refused", extra={"failure": type(exc).__name__, "code": exc.code})

    async def _open_conversation(
        self, account: ChannelAccount, event: Comment, reply: CommentReply, customer_id: str
    ) -> Conversation:
        """The conversation the private reply starts (or the customer's existing one), holding the comment."""
        now = self._clock.now()
        conversation, created = await convs.create_conversation(
            self._db,
            account.tenant_id,
            event.platform,
            event.account_id,
            customer_id,
            event.customer_name,
            now=now,
            campaign_id=reply.campaign_id,
        )
        if not created and not conversation.campaign_id:
            conversation = (
                await convs.update_conversation(self._db, account.tenant_id, conversation.id, campaign_id=reply.campaign_id)
                or conversation
            )
        at = datetime.fromtimestamp(event.timestamp_ms / 1000, now.tzinfo) if event.timestamp_ms else now
        await record_referral(self._db, account.tenant_id, conversation.id, _source(event), at=at)
        # The comment is shown in the thread, but it is no message: nothing answers it, and the window stays shut.
        await self._db.messages.update_one(
            {"_id": msgs.inbound_message_id(event.platform, event.account_id, "comment:" + event.comment_id)},
            {
                "$setOnInsert": {
                    "tenant_id": account.tenant_id,
                    "conversation_id": conversation.id,
                    "direction": "in",
                    "sender": "customer",
                    "text": event.text,
                    "at": at,
                    "platform_message_id": event.comment_id,
                    "interaction": "comment",
                    "state": InboundState.skipped.value,
                }
            },
            upsert=True,
        )
        return conversation

    async def _claim_public(self, account: ChannelAccount, event: Comment) -> tuple[str, bool] | None:
        """The public reply's text when this attempt may send it now (due, or its sender's lease ran out), and
        whether an earlier attempt had it; None when there is none to send. CommentReplyBusy while a live attempt
        is sending it."""
        key, now_ms = reply_key(event), to_ms(self._clock.now())
        found = await self._db[COMMENT_REPLIES].find_one({"_id": key, "tenant_id": account.tenant_id})
        if (
            found is None
            or found.get("state") not in (ReplyState.sent, ReplyState.failed)
            or found.get("public_state") != ReplyState.sending
        ):
            return None
        lease = int(found.get("public_lease_until_ms", 0))
        if lease >= now_ms:
            raise CommentReplyBusy("another attempt is sending this comment's public reply")
        # Taken only if nobody took it since it was read: the lease read is part of the condition.
        claimed = await self._db[COMMENT_REPLIES].update_one(
            {"_id": key, "tenant_id": account.tenant_id, "public_state": ReplyState.sending, "public_lease_until_ms": lease},
            {"$set": {"public_lease_until_ms": now_ms + PUBLIC_LEASE_MS}},
        )
        if claimed.modified_count == 0:
            raise CommentReplyBusy("another attempt took this comment's public reply just now")
        return str(found.get("public_text", "")), lease > 0

    async def _went_out_before(self, account: ChannelAccount, event: Comment) -> bool:
        """Whether an earlier attempt's public reply reached Meta before its worker died: the account's own answer
        is under the comment. Meta unreachable: the delivery is retried; another refusal: we cannot tell, so send."""
        path = public_reply_request(event, "").path
        try:
            replies = await self._graph.get(path, params={"fields": "from"}, token=account_token(self._cipher, account))
        except GraphError as exc:
            if exc.transient:
                await self._finish(event, account.tenant_id, public_lease_until_ms=TRIED_BEFORE)
                raise
            return False
        return answered_by_account(replies, event.account_id)

    async def _send_public(self, account: ChannelAccount, event: Comment) -> None:
        """The optional answer under the comment, once its private reply ended: marked sent only once Meta took it.
        Meta unreachable or limiting gives the claim back for the delivery's retry; a refusal is kept for the owner,
        never repeated."""
        claim = await self._claim_public(account, event)
        if claim is None or not claim[0]:
            return
        text, earlier_attempt = claim
        if earlier_attempt and await self._went_out_before(account, event):
            await self._finish(event, account.tenant_id, public_state=ReplyState.sent)
            return
        request = public_reply_request(event, text)
        try:
            await self._graph.send(
                request,
                account_token(self._cipher, account),
                pace=self._pacer.for_send(account.platform, account.account_id, request),
            )
        except GraphError as exc:
            if exc.transient:
                # Given back, marked as tried: the request may have reached Meta (an answer that never came), so
                # the retry looks under the comment first.
                await self._finish(event, account.tenant_id, public_lease_until_ms=TRIED_BEFORE)
                raise
            await self._finish(event, account.tenant_id, public_state=ReplyState.failed, public_error=exc.message[:300])
            log.warning("public reply refused", extra={"failure": type(exc).__name__, "code": exc.code})
            return
        await self._finish(event, account.tenant_id, public_state=ReplyState.sent)
