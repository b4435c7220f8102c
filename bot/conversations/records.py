"""What a conversation and its messages are: typed records, their statuses and states.

Times that change after insert are stored as integer milliseconds (`*_ms`): the embedded server turns a date
written by `$set`/`$max` into a string, and numbers compare alike on every server.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal, TypedDict

from pydantic import BaseModel, Field

from bot.sales.attribution import ConversationSource


class ConversationStatus(StrEnum):
    bot = "bot"  # the bot answers
    handoff = "handoff"  # the bot asked for a person and waits for one
    human = "human"  # a person took over (from the inbox, or by answering from the page or phone)
    closed = "closed"
    opted_out = "opted_out"  # the customer said STOP: only START is answered


# The one definition of when the bot stays silent: a person has the conversation, or it is over.
SILENT_STATUSES = frozenset({ConversationStatus.handoff, ConversationStatus.human, ConversationStatus.closed})


class HandoffCause(StrEnum):
    """Why the bot handed a conversation to a person, which decides whether it speaks while it waits for one."""

    # The customer asked for a person, complained, or sent what the bot cannot hear: silence until a person answers.
    person = "person"
    # The bot could not answer a question: that question waits for a person, and the bot keeps answering the
    # customer's other questions meanwhile, as a shop assistant does who has sent for the manager.
    unanswered = "unanswered"


def silent(status: ConversationStatus, cause: HandoffCause = HandoffCause.person) -> bool:
    """Whether the bot says nothing in a conversation with this status (and, in `handoff`, this cause)."""
    if status == ConversationStatus.handoff and cause == HandoffCause.unanswered:
        return False
    return status in SILENT_STATUSES


class InboundState(StrEnum):
    pending = "pending"  # waiting for its turn
    answered = "answered"
    held = "held"  # kept for the person who has the conversation
    skipped = "skipped"  # not to be answered (standby channel, stale backlog, opted out)
    seen_by_human = "seen_by_human"  # a person saw it before handing back to the bot


class Delivery(StrEnum):
    sending = "sending"
    # Meta could not take it (unreachable, failing, limiting) through one attempt's retries: kept, and the delivery's
    # next attempt sends this same text again.
    retrying = "retrying"
    unknown = "unknown"  # sent, but Meta's answer never came: its echo or status will tell whether it went
    unconfirmed = "unconfirmed"  # sent twice without an answer or a report: probably delivered, not sent again
    sent = "sent"
    delivered = "delivered"
    read = "read"
    failed = "failed"


# Receipts only move a message forward: `read` stays `read` when a late `delivered` comes. A reply being retried
# has no rank: it never went out, so no read watermark may mark it read.
DELIVERY_RANK = {
    Delivery.sending: 0,
    Delivery.unknown: 0,
    Delivery.unconfirmed: 0,
    Delivery.sent: 1,
    Delivery.delivered: 2,
    Delivery.read: 3,
}

Sender = Literal["customer", "bot", "human"]


class ConversationDelivery(StrEnum):
    """Whether the customer got the conversation's latest answer (the owner's view of the messages' deliveries)."""

    ok = "ok"
    pending = "pending"  # a reply did not go out yet and is being tried again
    failed = "failed"  # a reply did not go out and nothing more is tried by itself: the owner may press Retry


# "Never": the customer has not written yet, so no messaging window is open.
NEVER = datetime(1970, 1, 1, tzinfo=UTC)

TIME_FIELDS = (
    "last_message_at",
    "last_customer_at",
    "paused_until",
    "first_reply_at",
    "delivery_since",
    "changed_at",
    "read_at",
    "source_at",
    "follow_up_due",
    "follow_up_from",
    "follow_up_sent_at",
)


class ConversationChanges(TypedDict, total=False):
    """A change to a stored conversation (`store.update_conversation`): each field given is written, None removes
    it (nothing is stored as null, and it reads back as its default); a field not given stays as it is."""

    customer_name: str | None
    customer_id: str  # a WhatsApp customer who changed number, or now hides it (their business-scoped user id)
    customer_user_id: str | None
    status: ConversationStatus
    handoff_cause: HandoffCause | None
    campaign_id: str | None
    last_customer_at: datetime | None
    paused_until: datetime | None
    first_reply_at: datetime | None
    customer_replied: bool | None
    complained: bool | None
    referral_ref: str | None
    source_at: datetime | None
    last_error: str | None
    last_error_code: int | None
    delivery: ConversationDelivery | None
    delivery_problem: str | None
    delivery_since: datetime | None
    failed_message_id: str | None
    deadletter_id: str | None
    changed_at: datetime | None
    read_at: datetime | None


class NewConversationFields(TypedDict, total=False):
    """What a new conversation may be created with besides its customer (`store.create_conversation`)."""

    campaign_id: str
    customer_user_id: str
    referral_ref: str
    last_customer_at: datetime
    last_message_at: datetime
    demo: bool  # sample history of the demo tenant, which its deletion and the charts tell apart


def to_ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


class Conversation(BaseModel):
    id: str
    tenant_id: str
    platform: str
    account_id: str
    customer_id: str  # whom sends go to: a PSID, an IGSID, a WhatsApp phone id or, for a hidden number, a BSUID
    # WhatsApp's business-scoped user id when Meta sent one: the customer is found by it too, whichever of their
    # phone or user id a message carries.
    customer_user_id: str = ""
    customer_name: str = ""
    status: ConversationStatus = ConversationStatus.bot
    # In `handoff`: why (stored by versions before it was: read as `person`, the silence they kept).
    handoff_cause: HandoffCause = HandoffCause.person
    campaign_id: str = ""
    created_at: datetime
    last_message_at: datetime
    last_customer_at: datetime = NEVER
    paused_until: datetime | None = None
    # When the first answer (bot or person) reached the customer, and whether they wrote again after it.
    first_reply_at: datetime | None = None
    customer_replied: bool = False
    # Whether the customer complained or was angry at any point (counted once per conversation).
    complained: bool = False
    # What a referral said about the campaign the customer came for (a link's `ref`, an ad's title): the hint the
    # campaign is chosen with, from ads and from links alike.
    referral_ref: str = ""
    # Stored by versions before `source` (below) held the attribution; read, never written any more.
    referral_source: str = ""
    referral_ad_id: str = ""
    # What brought the customer (the first referral wins) and when their first message after it came: an ad's
    # conversation may be answered longer (`sending.window_end`).
    source: ConversationSource = Field(default_factory=ConversationSource)
    source_at: datetime | None = None
    last_error: str = ""
    last_error_code: int = 0
    # A reply that did not reach the customer: its state, the kind of problem (`channels.problems`), since when,
    # the kept message a Retry sends again, and the dead letter a Retry replays when no message was kept.
    delivery: ConversationDelivery = ConversationDelivery.ok
    delivery_problem: str = ""
    delivery_since: datetime | None = None
    failed_message_id: str = ""
    deadletter_id: str = ""
    # When its status or delivery last changed (wall clock): open pages follow changes that bring no new message.
    changed_at: datetime | None = None
    # When someone of the team last opened it: the customer's messages after that are unread.
    read_at: datetime | None = None
    # The nudge planned after a silence (`bot/follow_ups/`), while one is: when it is due, the moment that planned it
    # (price, link, question), which of the campaign's follow-ups it is, the plan's id (its send's reference), whether
    # it goes as the WhatsApp template, the customer's language, and when the bot's reply that planned it went out.
    follow_up_due: datetime | None = None
    follow_up_kind: str = ""
    follow_up_step: int = 0
    follow_up_id: str = ""
    follow_up_template: bool = False
    follow_up_language: str = ""
    follow_up_from: datetime | None = None
    # Nudges sent in this conversation, the last one's time, and whether the customer wrote after it.
    follow_ups_sent: int = 0
    follow_up_sent_at: datetime | None = None
    follow_up_answered: bool = False

    @property
    def silent(self) -> bool:
        return silent(self.status, self.handoff_cause)


class Message(BaseModel):
    id: str
    tenant_id: str
    conversation_id: str
    direction: Literal["in", "out"]
    sender: Sender
    text: str = ""
    at: datetime
    platform_message_id: str = ""
    interaction: str = ""
    payload: str = ""
    attachments: list[dict[str, Any]] = Field(default_factory=list)
    # Inbound, sent without words (no text, no caption): what it was (image, sticker, video, file, location,
    # contact), so the turn acknowledges it instead of reading its stand-in text.
    wordless: str = ""
    # Inbound audio: the stored recording (`voice_clips.py`) and whether it was heard. `{id, kind (voice | audio),
    # mime_type, size, heard, problem}`; `id` is absent when the file could not be had, `problem` says why.
    media: dict[str, Any] = Field(default_factory=dict)
    state: str = ""  # inbound: an InboundState
    intent: str = ""
    confidence: float = 0.0
    source: str = ""  # outbound: llm, offline, human, inbox
    delivery: str = ""  # outbound: a Delivery
    error_code: int = 0
    error_title: str = ""
    turn_id: str = ""
    problem: str = ""  # outbound, not delivered: the kind of problem (`channels.problems`)
    # A turn's reply whose send went unanswered (`delivery` unknown): how many parts it has, how many Meta reported
    # as sent, which part's report is awaited and since when (ms), how many sends went unanswered, and the status
    # the turn gives the conversation.
    parts_total: int = 0
    parts_confirmed: int = 0
    unanswered_sends: int = 0
    awaiting_part: int = 0
    awaiting_since_ms: int = 0
    status_after: str = ""


def conversation_from_doc(doc: dict[str, Any]) -> Conversation:
    fields = {k: v for k, v in doc.items() if k != "_id" and not k.endswith("_ms")}
    for name in TIME_FIELDS:
        if f"{name}_ms" in doc:
            fields[name] = from_ms(doc[f"{name}_ms"])
    return Conversation(id=doc["_id"], **fields)


def message_from_doc(doc: dict[str, Any]) -> Message:
    return Message(id=doc["_id"], **{k: v for k, v in doc.items() if k != "_id"})
