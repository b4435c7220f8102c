"""Shapes of the owner API that are the dashboard's own: request bodies, query strings and answers.

Bodies other packages own (business profile, campaign, conversion, engine settings) are used as they are.
Answers are built from the engine's dicts with `Model.model_validate(...)`, so a field the engine stops
sending fails loudly in the tests instead of drifting from the description.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator
from pydantic_core import PydanticCustomError

from dashboard.api.operations import Out, Query
from knowledge.models import (
    PERIOD_CHOICES_TEXT,
    Audience,
    BillingPeriod,
    CampaignStatus,
    ChatFlow,
    CommentRules,
    CustomPeriod,
    FollowUp,
    FollowUpMoment,
    TargetPlatform,
)
from knowledge.platforms import KnownPlatform

ConversationStatus = Literal["bot", "handoff", "human", "closed", "opted_out"]
LeadStage = Literal["new", "engaged", "qualified", "proposal", "converted", "lost"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DeletedOut(Out):
    deleted: bool


# Sign-up, login -------------------------------------------------------------------------------------------


PASSWORD_RULE = "at least 10 characters, and not a common or easily guessed password"


class SignupIn(_Body):
    email: EmailStr = Field(max_length=254)
    password: str = Field(min_length=10, max_length=1024, description=PASSWORD_RULE)
    business_name: str = Field(min_length=1, max_length=200)


class SignupOut(Out):
    tenant_id: str
    api_token: str


class LoginIn(_Body):
    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class LoginOut(Out):
    api_token: str
    csrf_token: str = Field(description="send it as X-CSRF-Token on writes made with the session cookie")
    tenant_id: str


class LogoutOut(Out):
    logged_out: bool


class TokenOut(Out):
    id: str
    name: str
    kind: Literal["signup", "login", "named"] = Field(
        description="sign-up and login tokens expire after 30 days unused; named tokens on their `expires_at`"
    )
    hint: str = Field(description="the token's last characters, to recognise it")
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None = Field(
        description="when the token stops working (a sign-up or login token's moves on with each use); "
        "null for a token made before tokens expired, until its next use"
    )
    current: bool = Field(description="the token this request was made with")


class TokensOut(Out):
    tokens: list[TokenOut]


class TokenIn(_Body):
    name: str = Field(min_length=1, max_length=100, description="what the token is for, e.g. the tool that uses it")
    expires_in_days: int = Field(90, ge=1, le=365, description="how many days the token works (90 unless given, a year at most)")


class NewTokenOut(Out):
    id: str
    name: str
    token: str = Field(description="the API token: shown this once, send it as `Authorization: Bearer <token>`")
    hint: str
    created_at: datetime
    expires_at: datetime = Field(description="when the token stops working; a request with it after that gets 401")


class PasswordChangeIn(_Body):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=10, max_length=1024, description=PASSWORD_RULE)


class PasswordChangeOut(Out):
    changed: bool
    sessions_ended: int = Field(description="the owner's other browser sessions, now logged out")
    tokens_revoked: int = Field(description="the owner's other API tokens, now refused")


class AccountIn(_Body):
    language: Literal["auto", "en", "es", "pt", "fr", "de", "it"] = Field(
        description="the language of pages and messages; `auto` follows the browser's Accept-Language"
    )


class AccountOut(Out):
    language: str = Field(description="the language chosen, or `auto` (the browser's)")
    page_language: str = Field(description="the language this answer was given in")


class AccountDeleteIn(_Body):
    password: str = Field(min_length=1, max_length=1024)


class AccountDeletedOut(Out):
    deleted: bool
    channels_disconnected: int
    records_removed: int


class OwnerOut(Out):
    id: str
    email: str
    role: Literal["owner", "agent"] = Field(default="owner", description="agent: a salesperson the owner invited")


class TenantOut(Out):
    id: str
    name: str
    created_at: datetime
    settings: dict[str, Any]
    facebook_connected: bool


class MeOut(Out):
    owner: OwnerOut
    tenant: TenantOut
    auth: Literal["token", "session"]
    csrf_token: str = Field(default="", description="the session's CSRF token; empty when called with an API token")


# Knowledge ------------------------------------------------------------------------------------------------


class UploadQuery(Query):
    filename: str = Field(default="", max_length=255, description="the file's name when the body is the raw file")


class DocumentOut(Out):
    id: str
    filename: str
    content_type: str
    size_bytes: int
    chunks: int
    created_at: datetime


class DocumentsOut(Out):
    documents: list[DocumentOut]


class SearchQuery(Query):
    q: str = Field(min_length=1, max_length=500, description="the question")
    platform: KnownPlatform | None = Field(default=None, description="only what is visible on this platform")
    k: int = Field(default=5, ge=1, le=20, description="how many passages")


class PassageOut(Out):
    text: str
    source: str = Field(description="profile, campaign:<id> or document:<id>")
    title: str
    score: float


class FactProductOut(Out):
    campaign_id: str
    campaign: str
    name: str
    price: float
    currency: str
    target_platform: str
    features: list[str]
    call_to_action_url: str | None = None


class FactAmountOut(Out):
    amount: float
    currency: str
    text: str


class FactsOut(Out):
    platform: str
    products: list[FactProductOut]
    amounts: list[FactAmountOut]
    percentages: list[float]
    all_product_names: list[str]


class SearchOut(Out):
    query: str
    passages: list[PassageOut]
    facts: FactsOut


# Campaigns ------------------------------------------------------------------------------------------------


class CampaignsQuery(Query):
    status: CampaignStatus | None = None
    target_platform: TargetPlatform | None = None


class ProductOut(Out):
    name: str
    description: str
    price: float
    currency: str
    billing_period: BillingPeriod | CustomPeriod = Field(description=f"what the price buys: {PERIOD_CHOICES_TEXT}")
    features: list[str]
    call_to_action_url: str | None


class CampaignOut(Out):
    id: str
    name: str
    product: ProductOut
    target_platform: TargetPlatform
    chat_flow: ChatFlow
    target_audience: Audience
    status: CampaignStatus
    created_at: datetime
    updated_at: datetime
    comment_rules: CommentRules | None = None
    follow_ups: list[FollowUp] = Field(default=[], description="the campaign's nudges after a silence (at most two)")


class CampaignsOut(Out):
    campaigns: list[CampaignOut]


class CommentReplyOut(Out):
    comment_id: str
    post_id: str
    platform: str
    campaign_id: str
    state: Literal["sending", "sent", "failed"]
    conversation_id: str | None = None
    error_code: int | None = None
    reason: str = Field(default="", description="why the private reply did not go out, for the owner")
    public_reply: Literal["", "sending", "sent", "failed"] = ""
    at: datetime


class CommentRepliesOut(Out):
    replies: list[CommentReplyOut]


class CampaignStatusIn(_Body):
    """Pause, activate, complete (or put back to draft) a campaign without sending the rest of it."""

    status: CampaignStatus


# Channels and Facebook Login ------------------------------------------------------------------------------


class ChannelIn(_Body):
    """Connect an account by hand: a page id, Instagram account id or WhatsApp phone number id."""

    platform: KnownPlatform
    account_id: str = Field(min_length=1, max_length=32, json_schema_extra={"pattern": "^[0-9]+$"})
    access_token: str = Field(min_length=1, max_length=4096, json_schema_extra={"pattern": "^[!-~]+$"})
    name: str = Field(default="", max_length=200)

    @field_validator("account_id")
    @classmethod
    def _numeric_id(cls, value: str) -> str:
        if not value.isascii() or not value.isdigit():
            raise PydanticCustomError(
                "account_id_digits", "must be the numeric id of the page, Instagram account or WhatsApp phone number"
            )
        return value

    @field_validator("access_token")
    @classmethod
    def _token_characters(cls, value: str) -> str:
        # Meta's tokens are printable ASCII without spaces; anything else could not travel in a header anyway.
        if not all("!" <= char <= "~" for char in value):
            raise PydanticCustomError(
                "token_characters", "an access token has letters, digits and punctuation only: copy it again from Meta"
            )
        return value


class ChannelHealthOut(Out):
    state: Literal["ok", "failing", "needs_reconnect"] = Field(
        description="ok; failing: sends fail now (Meta unreachable, failing, limiting); needs_reconnect: the token is refused"
    )
    last_success_at: datetime | None = Field(default=None, description="the last send that went through (to the minute)")
    last_error: str | None = Field(default=None, description="what is wrong, in the owner's words")
    failing_since: datetime | None = None


class ChannelOut(Out):
    id: str
    platform: KnownPlatform
    account_id: str
    name: str
    status: str
    access_token: str = Field(description="masked")
    connected_at: datetime
    last_error: str | None = None
    last_error_code: int | None = None
    health: ChannelHealthOut
    webhooks_problem: str | None = Field(
        None, description="why Meta would not send this account's messages and comments to the platform (a kind of problem)"
    )
    webhooks_error: str | None = Field(None, description="the same, in the owner's words, with what to do")


class ChannelsOut(Out):
    channels: list[ChannelOut]


class AuthUrlOut(Out):
    url: str


# A request line longer than 8 KB is refused by the HTTP parser itself, so query limits keep well below it.
ASCII_TOKEN = r"^[\x21-\x7e]*$"


class CallbackQuery(Query):
    state: str = Field(default="", max_length=128, pattern=ASCII_TOKEN, description="the state from auth-url")
    code: str = Field(
        default="", max_length=2048, pattern=ASCII_TOKEN, description="authorization code (absent when the owner cancelled)"
    )


class SkippedAccountOut(Out):
    platform: str
    account_id: str
    name: str
    reason: str


class CallbackOut(Out):
    connected: list[ChannelOut]
    skipped: list[SkippedAccountOut]


class SignedRequestIn(BaseModel):
    """Meta's form body: `signed_request`, signed with the app secret (other fields are ignored)."""

    signed_request: str = Field(default="", max_length=8192)


class DeauthorizeOut(Out):
    ok: bool
    accounts_removed: int


class DataDeletionOut(Out):
    url: str
    confirmation_code: str


class DeletionStatusQuery(Query):
    code: str = Field(min_length=1, max_length=200, description="confirmation code")


class DeletionStatusOut(Out):
    confirmation_code: str
    status: str
    accounts_removed: int
    requested_at: datetime


# Conversations and leads ----------------------------------------------------------------------------------


class ConversationsQuery(Query):
    status: ConversationStatus | None = None
    platform: KnownPlatform | None = None
    stage: LeadStage | None = Field(default=None, description="only conversations whose lead is at this stage")
    delivery: Literal["ok", "pending", "failed"] | None = Field(
        default=None, description="failed: conversations whose reply did not reach the customer (the owner may retry)"
    )
    campaign_id: str | None = Field(
        default=None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="only this campaign's conversations"
    )
    not_answered: bool = Field(
        default=False,
        description="only conversations whose customer's last message has no reply yet: waiting for the bot or a "
        "person, or the reply did not reach them (`delivery` failed)",
    )
    q: str = Field(default="", max_length=100, description="words in the customer's name or in the messages, in any case")
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=1_000_000)


class LeadsQuery(Query):
    stage: LeadStage | None = None
    format: Literal["json", "csv"] = Field(default="json", description="csv for a spreadsheet export")


class LeadNoteOut(Out):
    """A reason or next step as a kind with its parameters (the same words `score_reasons` and `next_step` say)."""

    kind: str
    params: dict[str, str | int] = Field(default_factory=dict)


class LeadOut(Out):
    """A lead; the fields the customer gave (company, team_size, budget, timeline, …) come along when known."""

    model_config = ConfigDict(extra="allow")

    id: str
    conversation_id: str
    platform: KnownPlatform
    customer_id: str
    name: str
    email: str
    phone: str
    score: int = Field(ge=0, le=100)
    score_reasons: list[str] = Field(description="why this score, in the reader's language")
    score_reason_kinds: list[LeadNoteOut] = Field(
        default_factory=list, description="the same reasons as kinds with parameters (empty on older leads)"
    )
    stage: LeadStage
    next_step: str = Field(default="", description="what to do next, in the reader's language")
    next_step_kind: LeadNoteOut | None = None
    campaign_id: str = ""
    source: SourceOut
    value: float
    created_at: str
    updated_at: str


class LeadEventOut(Out):
    at: datetime
    score: int
    stage: str
    reasons: list[str]


class LeadDetailOut(LeadOut):
    history: list[LeadEventOut]


class ErrorInfoOut(Out):
    code: int
    message: str


class PersonRefOut(Out):
    """A person of the business's team, as they were when they acted (their email stays after they leave)."""

    id: str
    email: str


class ActionOut(Out):
    action: Literal["takeover", "release", "reply", "sale"]
    by: PersonRefOut
    at: datetime


class MediaOut(Out):
    """A customer's recording: `url` plays it (absent when it could not be downloaded); `heard` is false when no
    transcript was made, and `problem` says why (`too_large`, `unavailable`, `no_transcriber`,
    `transcription_failed`, `no_words`)."""

    kind: Literal["voice", "audio"]
    heard: bool
    url: str | None = None
    mime_type: str | None = None
    problem: str | None = None


class MessageOut(Out):
    """One message; inbound ones carry intent, confidence and state, outbound ones source and delivery."""

    id: str
    direction: Literal["in", "out"]
    sender: Literal["customer", "bot", "human"]
    text: str
    at: datetime
    intent: str | None = None
    confidence: float | None = None
    state: str | None = None
    attachments: list[dict[str, Any]] | None = None
    media: MediaOut | None = Field(default=None, description="a voice note or audio file; `text` is its transcript")
    comment: bool | None = Field(default=None, description="true for the comment under a post the conversation began with")
    source: str | None = None
    delivery: str | None = None
    error: ErrorInfoOut | None = None
    by: PersonRefOut | None = Field(default=None, description="who of the team sent it, for a reply sent from the inbox")


class SourceOut(Out):
    """What brought the customer: `ad`, `comment` or `message`; the ad's or post's ids when known."""

    kind: Literal["message", "comment", "ad"]
    ad_id: str = ""
    post_id: str = ""
    comment_id: str = ""
    ctwa_clid: str = ""
    headline: str = ""


class ReferralOut(Out):
    source: str
    ref: str
    ad_id: str


class TemplatesQuery(Query):
    waba_id: str | None = Field(
        default=None, pattern=r"^[0-9]{1,30}$", description="the WhatsApp business account id (needed once per number)"
    )


class TemplateOut(Out):
    name: str
    language: str
    category: str
    body: str = Field(description="the body's text, {{1}}, {{2}}… where the parameters go")
    parameters: int = Field(description="how many body parameters it takes")


class TemplatesOut(Out):
    waba_id: str
    templates: list[TemplateOut]


class FollowUpPlanOut(Out):
    due_at: datetime
    kind: FollowUpMoment
    template: bool = Field(default=False, description="sent as the campaign's WhatsApp template (outside the window)")


class ConversationOut(Out):
    id: str
    platform: KnownPlatform
    account_id: str
    customer_id: str
    customer_name: str
    status: ConversationStatus
    campaign_id: str
    created_at: datetime
    last_message_at: datetime
    lead: LeadOut | None
    referral: ReferralOut
    source: SourceOut
    paused_until: datetime | None = None
    last_error: ErrorInfoOut | None = None
    delivery: Literal["ok", "pending", "failed"] = Field(
        default="ok", description="whether the customer got the latest reply: pending while it is tried again, failed after"
    )
    delivery_error: str | None = Field(default=None, description="why not, in the owner's words (pending or failed)")
    delivery_since: datetime | None = None
    follow_up: FollowUpPlanOut | None = Field(default=None, description="the nudge planned, while one is")
    follow_ups_sent: int = Field(default=0, description="nudges sent in this conversation")
    handoff_cause: Literal["person", "unanswered"] | None = Field(
        default=None,
        description=(
            "in `handoff`, why: `person` (the customer asked for one or complained: the bot is silent) or "
            "`unanswered` (the bot could not answer a question and keeps answering the others until a person replies)"
        ),
    )


class ConversationDetailOut(ConversationOut):
    lead: LeadDetailOut | None  # the detail adds the lead's history
    messages: list[MessageOut]
    activity: list[ActionOut] = Field(default=[], description="who of the team took over, replied, released or recorded a sale")


class ConversationsOut(Out):
    conversations: list[ConversationOut]


class ReplyIn(_Body):
    text: str = Field(min_length=1, max_length=4000)


class ConversionOut(Out):
    id: str
    conversation_id: str
    platform: str
    campaign_id: str
    value: float
    currency: str
    at: datetime


class LeadsOut(Out):
    leads: list[LeadOut]


# Analytics, Leo, playground -------------------------------------------------------------------------------


class AnalyticsQuery(Query):
    model_config = ConfigDict(populate_by_name=True)

    from_: date | None = Field(
        default=None,
        alias="from",
        ge=date(2000, 1, 1),
        le=date(2999, 12, 31),
        description="first day, in the business's time zone (default: 29 days before `to`)",
    )
    to: date | None = Field(
        default=None,
        ge=date(2000, 1, 1),
        le=date(2999, 12, 31),
        description="last day, in the business's time zone (default: the business's today)",
    )
    campaign_id: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="only this campaign")
    platform: KnownPlatform | None = Field(default=None, description="only this platform")


class RevenueTextOut(Out):
    currency: str
    amount: float
    text: str = Field(description="formatted in the business's locale, e.g. 1.299,00 €")


class MetricsOut(Out):
    """Counters summed over the range and what they mean; rates are 0..1. The engine's raw counters come along."""

    model_config = ConfigDict(extra="allow")

    messages_in: int
    messages_out: int
    messages_answered: int
    replies_bot: int
    replies_human: int
    conversations: int = Field(description="new conversations")
    response_rate: float = Field(description="customer messages answered (by the bot or a person) over customer messages")
    first_response_avg_s: float | None = Field(description="average wait for a conversation's first answer; null when none")
    conversions: int
    conversion_rate: float = Field(description="sales over new conversations")
    revenue: dict[str, float] = Field(description="currency → amount in major units")
    revenue_formatted: list[RevenueTextOut]
    handoffs: int
    handoff_rate: float
    bot_resolution_rate: float = Field(description="new conversations kept by the bot without a handoff")
    customer_reply_rate: float = Field(
        description="conversations whose customer wrote again after the first answer, over first answers"
    )
    complaint_rate: float = Field(description="conversations with a complaint or anger over new conversations")
    follow_ups_sent: int = Field(default=0, description="nudges sent after a customer's silence")
    follow_up_replies: int = Field(default=0, description="nudges the customer wrote back to")
    follow_up_sales: int = Field(default=0, description="sales recorded in a conversation after a nudge was sent in it")
    guard_blocks: int
    model_calls: int
    input_tokens: int
    output_tokens: int
    model_cost_usd: float
    leo_model_calls: int
    leo_model_cost_usd: float


class CampaignMetricsOut(MetricsOut):
    campaign_id: str
    campaign_name: str


class PlatformMetricsOut(MetricsOut):
    platform: str


class DayMetricsOut(MetricsOut):
    day: str


class PreviousPeriodOut(Out):
    from_: str = Field(alias="from")
    to: str
    totals: MetricsOut


class FunnelStageOut(Out):
    stage: LeadStage
    count: int = Field(description="leads created in the range that reached at least this stage")


class HourCellOut(Out):
    weekday: int = Field(ge=0, le=6, description="Monday 0")
    hour: int = Field(ge=0, le=23)
    messages: int


class AnalyticsOut(Out):
    from_: str = Field(alias="from")
    to: str
    timezone: str
    totals: MetricsOut
    previous: PreviousPeriodOut = Field(description="the period of equal length just before")
    per_day: list[DayMetricsOut]
    per_campaign: list[CampaignMetricsOut]
    per_platform: list[PlatformMetricsOut]
    funnel: list[FunnelStageOut]
    lost: int
    hour_of_week: list[HourCellOut]


class LeoIn(_Body):
    message: str = Field(min_length=1, max_length=2000)
    thread_id: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="continue this thread")


class FigureOut(Out):
    """One small table behind an answer."""

    title: str
    columns: list[str]
    rows: list[list[str | int | float | None]]


class LeoOut(Out):
    reply: str
    thread_id: str
    figures: list[FigureOut]


class PlaygroundIn(_Body):
    platform: KnownPlatform
    message: str = Field(min_length=1, max_length=2000)
    session_id: str = Field(default="", max_length=64, pattern=r"^[A-Za-z0-9_-]*$")


class PlaygroundLeadOut(Out):
    score: int
    stage: str
    reasons: list[str]


class PlaygroundOut(Out):
    session_id: str
    reply: str = Field(description="what the customer would receive; empty when the bot stays silent")
    silent: bool = False
    note: str = Field(default="", description="why the bot stays silent, as it would on the channels")
    status: Literal["bot", "handoff", "opted_out"] = "bot"
    intent: str = ""
    confidence: float = 0.0
    source: str = ""
    guard_blocked: bool = False
    guard_violations: list[str] = Field(default_factory=list)
    handoff: bool = False
    opted_out: bool = False
    lead: PlaygroundLeadOut | None = None


class OpenApiOut(Out):
    """This document."""

    model_config = ConfigDict(extra="allow")

    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]
    components: dict[str, Any]


# Ads and the Conversions API ------------------------------------------------------------------------------


class AdsQuery(Query):
    model_config = ConfigDict(populate_by_name=True)

    from_: date | None = Field(
        default=None,
        alias="from",
        ge=date(2000, 1, 1),
        le=date(2999, 12, 31),
        description="first day (default: 29 days before `to`)",
    )
    to: date | None = Field(default=None, ge=date(2000, 1, 1), le=date(2999, 12, 31), description="last day (default: today)")


class AdFiguresOut(Out):
    conversations: int = Field(description="conversations the ad started in the period")
    leads: int = Field(description="of those, leads qualified or further")
    sales: int
    revenue: float
    spend: float | None = Field(description="spend in the period; null when none was entered")
    cost_per_lead: float | None = Field(description="spend / leads; null when undefined")
    cost_per_sale: float | None = Field(description="spend / sales; null when undefined")
    roas: float | None = Field(description="revenue / spend; null when undefined")


class AdOut(AdFiguresOut):
    ad_id: str
    headline: str
    campaign_id: str
    campaign_name: str


class AdCampaignOut(AdFiguresOut):
    campaign_id: str
    name: str


class AdsOut(Out):
    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from")
    to: date
    currency: str
    ads: list[AdOut]
    campaigns: list[AdCampaignOut]
    totals: AdFiguresOut


class AdCommentFiguresOut(AdFiguresOut):
    comments: int = Field(description="comments others wrote under it")
    private_replies: int = Field(description="private replies sent to those comments")


class AdDayOut(AdCommentFiguresOut):
    day: date


class AdDetailOut(Out):
    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(description="the ad's id, or the post's or media's")
    kind: Literal["ad", "post"]
    headline: str = Field(description="the ad's title, when a referral carried it")
    from_: date = Field(alias="from")
    to: date
    currency: str
    days: list[AdDayOut] = Field(description="every day of the period, quiet ones too")
    totals: AdCommentFiguresOut


class SpendOut(Out):
    model_config = ConfigDict(populate_by_name=True)

    campaign_id: str
    ad_id: str
    from_: date = Field(alias="from")
    to: date
    amount: float
    currency: str


class SpendEntryOut(SpendOut):
    id: str


class SpendListOut(Out):
    spend: list[SpendEntryOut]


class SpendImportOut(Out):
    imported: int


class ConversionsSettingsOut(Out):
    configured: bool
    dataset_id: str = ""
    access_token: str = Field(default="", description="masked: its first and last four characters")
    test_event_code: str = ""
    whatsapp_business_account_id: str = ""


class ConversionEventOut(Out):
    id: str = Field(description="the event_id Meta deduplicates on")
    event_name: str
    conversation_id: str
    ad_id: str
    state: Literal["pending", "sent", "failed", "expired"]
    event_time: datetime
    value: float | None = None
    currency: str = ""
    attempts: int
    sent: dict[str, Any] = Field(description="the event as it goes to Meta (the `data` entry; the token is never in it)")
    answer: dict[str, Any] = Field(default={}, description="Meta's last answer")
    error: str = ""
    words: str = Field(description="what happened, in the owner's words")


class ConversionEventsOut(Out):
    events: list[ConversionEventOut]


# Outbound webhooks ---------------------------------------------------------------------------------------------


class WebhookAttemptOut(Out):
    at: datetime
    event: str = Field(description="the event's type, or webhook.test")
    webhook_id: str = Field(description="the webhook-id header sent")
    status: int = Field(description="the receiver's HTTP status; 0 when none came")
    error: str = Field(description="why it failed; empty when delivered")
    kind: Literal["", "status", "redirect", "timeout", "unreachable", "refused", "https_only", "secret"] = Field(
        description="the failure's kind: an answer that was not 2xx, a redirect, no answer within 10 s, no connection, "
        "an address that is not public, plain http where https is required, a secret that cannot be read"
    )


class WebhookOut(Out):
    id: str
    url: str
    events: list[str]
    state: Literal["active", "paused"] = Field(description="paused after a day of failed deliveries, until resumed")
    paused_reason: str = Field(default="", description="the last failure before the pause")
    paused_at: datetime | None = None
    waiting: int = Field(description="events waiting for delivery (held while paused)")
    created_at: datetime
    attempts: list[WebhookAttemptOut] = Field(description="the latest delivery attempts, newest first")


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(description="signs every delivery (whsec_…); shown this once")


class WebhooksOut(Out):
    webhooks: list[WebhookOut]


class WebhookSecretOut(Out):
    secret: str = Field(description="the new signing secret, shown this once; the old one stops at once")


class WebhookTestOut(Out):
    delivered: bool
    status: int = Field(description="the receiver's HTTP status; 0 when none came")
    error: str = ""
