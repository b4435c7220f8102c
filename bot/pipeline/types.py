"""Plain shapes that flow through the reply pipeline: what comes in for a turn and what goes out."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from bot.pipeline.lead_notes import LeadNote
from knowledge.models import BusinessProfile, Campaign, CatalogFacts, Passage


class Intent(StrEnum):
    greeting = "greeting"
    product_question = "product_question"
    price_question = "price_question"
    objection = "objection"
    buying_signal = "buying_signal"
    human_request = "human_request"
    # Anger or a complaint: an apology and a person from the team.
    complaint = "complaint"
    opt_out = "opt_out"
    opt_in = "opt_in"
    small_talk = "small_talk"
    off_topic = "off_topic"


class Classification(BaseModel):
    intent: Intent
    confidence: float = Field(ge=0.0, le=1.0)


class LeadFields(BaseModel):
    """What a customer told us about themselves; every field is optional."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None  # E.164
    company: str | None = None
    team_size: int | None = None
    budget_cents: int | None = None  # minor units of budget_currency (or value*100 when no currency was said)
    budget_currency: str | None = None
    timeline: str | None = None
    product_interest: str | None = None


class LeadStage(StrEnum):
    new = "new"
    engaged = "engaged"
    qualified = "qualified"
    proposal = "proposal"
    converted = "converted"
    lost = "lost"


class LeadState(BaseModel):
    fields: LeadFields = Field(default_factory=LeadFields)
    score: int = 0
    reasons: list[str] = Field(default_factory=list)
    # The same reasons as kinds with parameters, for readers in other languages.
    reason_notes: list[LeadNote] = Field(default_factory=list)
    stage: LeadStage = LeadStage.new
    questions_asked: int = 0
    objections: int = 0
    buying_signals: int = 0
    messages_in: int = 0
    cta_sent: bool = False
    # Said plainly that they do not want it ("not interested"), or opted out of messages.
    not_interested: bool = False
    opted_out: bool = False
    next_step: str = ""
    next_step_note: LeadNote | None = None


@dataclass(frozen=True)
class Reading:
    """The model's reading of a customer's burst (reading.py)."""

    language: str  # ISO 639-1, or "" when the model named none we know
    intent: Intent
    asks_catalog: bool  # "what do you offer?"
    asks_question: bool  # something the documents or the catalog could answer
    queries: tuple[str, ...] = ()  # search queries, in the documents' languages and English


class HistoryItem(BaseModel):
    sender: Literal["customer", "bot", "human"]
    text: str


class TurnContext(BaseModel):
    """Everything the pipeline needs to answer one turn, loaded by the caller."""

    tenant_id: str
    platform: str
    customer_name: str = ""
    # PSID, IGSID or wa_id; a WhatsApp id is a phone number, which tells the customer's country.
    customer_id: str = ""
    profile: BusinessProfile | None = None
    campaigns: list[Campaign] = Field(default_factory=list)  # only those visible on this platform
    campaign: Campaign | None = None  # the one this conversation is about
    history: list[HistoryItem] = Field(default_factory=list)
    turn_texts: list[str] = Field(default_factory=list)  # the customer's burst, oldest first
    # What the burst sent without words (image, sticker, video, file, location, contact), oldest first: a burst of
    # nothing else is acknowledged, never read as text.
    turn_media: list[str] = Field(default_factory=list)
    # A voice note of the burst could not be heard (no transcription): a person listens to it instead.
    voice_unheard: bool = False
    lead: LeadState = Field(default_factory=LeadState)
    facts: CatalogFacts
    passages: list[Passage] = Field(default_factory=list)
    # The model's reading of the burst (language, intent, search queries), when a model read it, and what the
    # model calls made before the reply (reading it) cost.
    reading: Reading | None = None
    prior_usage: Usage | None = None

    @property
    def turn_text(self) -> str:
        return "\n".join(text.strip() for text in self.turn_texts if text.strip())


class Reply(BaseModel):
    text: str
    source: Literal["llm", "offline"]
    facts_used: list[str] = Field(default_factory=list)
    # The prompt's passage ids ("P1") the model cited for its facts.
    sources: list[str] = Field(default_factory=list)
    lead_fields: LeadFields = Field(default_factory=LeadFields)
    cta_sent: bool = False
    handoff: bool = False
    opted_out: bool = False
    opted_in: bool = False
    # True when the reply asks the campaign's next qualification question.
    asked_question: bool = False
    # True when a repair removed sentences it could not back: what is left may not answer everything asked.
    partial: bool = False
    # The product the reply talked about, when there was one.
    product_name: str = ""
    # Positions in the turn's texts of the messages whose question this reply leaves to a person while answering
    # the turn's other questions: they are not answered until that person answers.
    unanswered: list[int] = Field(default_factory=list)


class GuardVerdict(BaseModel):
    ok: bool
    violations: list[str] = Field(default_factory=list)


class Usage(BaseModel):
    input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: int = 0
    model: str
    cost_usd: float = 0.0


class TurnResult(BaseModel):
    classification: Classification
    reply: Reply
    guard_blocked: bool = False
    # What the blocked candidate broke, for logs and evaluation; empty when nothing was blocked.
    guard_violations: list[str] = Field(default_factory=list)
    # The refused candidate's text, for evaluation; empty when nothing was refused. Never sent.
    refused_text: str = ""
    lead: LeadState
    usage: Usage | None = None
