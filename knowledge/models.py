"""Typed shapes of a tenant's knowledge: profile, catalog (campaigns), documents, passages, facts.

Money is integer minor units (cents) with an ISO 4217 code everywhere inside the platform; the owner API
speaks in major units (`price: 49.99`) and converts at the edge.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from babel.numbers import get_currency_precision
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

ISO_CURRENCIES = frozenset(
    [
        "USD",
        "EUR",
        "GBP",
        "JPY",
        "CAD",
        "AUD",
        "NZD",
        "CHF",
        "SEK",
        "NOK",
        "DKK",
        "PLN",
        "CZK",
        "HUF",
        "RON",
        "BGN",
        "TRY",
        "ILS",
        "AED",
        "SAR",
        "QAR",
        "KWD",
        "BHD",
        "OMR",
        "EGP",
        "MAD",
        "NGN",
        "KES",
        "GHS",
        "ZAR",
        "INR",
        "PKR",
        "BDT",
        "LKR",
        "NPR",
        "IDR",
        "MYR",
        "SGD",
        "THB",
        "PHP",
        "VND",
        "KRW",
        "CNY",
        "HKD",
        "TWD",
        "BRL",
        "MXN",
        "ARS",
        "CLP",
        "COP",
        "PEN",
        "UYU",
        "PYG",
        "ISK",
        "UAH",
        "RUB",
        "KZT",
        "GEL",
        "UGX",
        "XAF",
        "XOF",
        "RWF",
        "TZS",
        "ETB",
    ]
)


def minor_digits(currency: str) -> int:
    """Digits of the currency's minor unit, from CLDR through babel: JPY has none, KWD three, EUR two."""
    return get_currency_precision(currency) if currency else 2


class BillingPeriod(StrEnum):
    """What a product's price buys: once, or per span of time (CLDR names these in every language), per
    session, per person, or per user and month."""

    one_time = "one_time"
    hour = "hour"
    day = "day"
    night = "night"
    week = "week"
    month = "month"
    year = "year"
    session = "session"
    person = "person"
    user_month = "user_month"


CUSTOM_PERIOD_MAX = 50
CUSTOM_PERIOD_EXAMPLE = "per class pack"
PERIOD_CHOICES_TEXT = (
    ", ".join(period.value for period in BillingPeriod) + f', or your own as {{"custom": "{CUSTOM_PERIOD_EXAMPLE}"}}'
)


class CustomPeriod(BaseModel):
    """A period the owner writes in their own words ("per class pack"), shown after the price as typed."""

    # Frozen so that a period can key a table of words, as the enum's members do.
    model_config = ConfigDict(extra="forbid", frozen=True)

    custom: str = Field(
        min_length=1, max_length=CUSTOM_PERIOD_MAX, description=f"how the price is counted, e.g. “{CUSTOM_PERIOD_EXAMPLE}”"
    )


def _custom_period_problem(value: dict[Any, Any]) -> PydanticCustomError | None:
    """Why an owner's own period cannot be taken (a kind of problem the owner's side says in words); None when it
    can."""
    text = value.get("custom")
    if set(value) != {"custom"}:
        example = json.dumps({"custom": CUSTOM_PERIOD_EXAMPLE})
        return PydanticCustomError("period_shape", "write your own period as {example} and nothing else", {"example": example})
    if not isinstance(text, str):
        return PydanticCustomError(
            "period_words", "write your own period as words, e.g. “{example}”", {"example": CUSTOM_PERIOD_EXAMPLE}
        )
    text = text.strip()
    if not text:
        return PydanticCustomError(
            "period_empty", "write how the price is counted, e.g. “{example}”", {"example": CUSTOM_PERIOD_EXAMPLE}
        )
    if len(text) > CUSTOM_PERIOD_MAX:
        return PydanticCustomError(
            "period_too_long",
            "your own period must be at most {max_length} characters (this one has {length})",
            {"max_length": CUSTOM_PERIOD_MAX, "length": len(text)},
        )
    if any(unicodedata.category(character) in ("Cc", "Zl", "Zp") for character in text):
        return PydanticCustomError("period_one_line", "write your own period on one line, without control characters")
    return None


def _owner_period(value: Any, handler: ValidatorFunctionWrapHandler) -> BillingPeriod | CustomPeriod:
    """A billing period as an owner sends it: one of the platform's names or `{"custom": "..."}`, each bad
    input refused with one sentence (instead of one error per member of the union)."""
    if isinstance(value, dict):
        problem = _custom_period_problem(value)
        if problem is not None:
            raise problem
        return CustomPeriod(custom=value["custom"].strip())
    try:
        period: BillingPeriod | CustomPeriod = handler(value)
    except ValidationError:
        raise PydanticCustomError("period_choice", "choose one of {choices}", {"choices": PERIOD_CHOICES_TEXT}) from None
    return period


# What a price buys: one of the platform's periods or the owner's own words.
Period = BillingPeriod | CustomPeriod
OwnerPeriod = Annotated[BillingPeriod | CustomPeriod, WrapValidator(_owner_period)]


def period_value(period: Period) -> str | dict[str, str]:
    """A period as stored and as the owner API shows it: "month", or {"custom": "per class pack"}."""
    return {"custom": period.custom} if isinstance(period, CustomPeriod) else period.value


def minor_units(currency: str) -> int:
    """How many minor units make one major unit: 100 for EUR, 1 for JPY, 1000 for KWD."""
    return int(10 ** minor_digits(currency))


def to_minor(amount: float, currency: str) -> int:
    return round(amount * minor_units(currency))


def to_major(amount_minor: int, currency: str) -> float:
    return amount_minor / minor_units(currency)


class TargetPlatform(StrEnum):
    facebook = "facebook"
    instagram = "instagram"
    whatsapp = "whatsapp"
    all = "all"


class CampaignStatus(StrEnum):
    draft = "draft"
    active = "active"
    paused = "paused"
    completed = "completed"


# What one campaign may hold: every turn of the tenant's conversations reads it, so its size is bounded.
Feature = Annotated[str, StringConstraints(max_length=300)]
Question = Annotated[str, StringConstraints(max_length=500)]
Objection = Annotated[str, StringConstraints(min_length=1, max_length=200)]
ObjectionAnswer = Annotated[str, StringConstraints(max_length=2000)]


class _Edge(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class BusinessProfile(_Edge):
    """The onboarding form."""

    name: str = Field(min_length=1, max_length=200)
    owner_name: str = Field(default="", max_length=200)
    industry: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=5000)
    website: str = Field(default="", max_length=500)
    phone: str = Field(default="", max_length=50)
    goals: str = Field(default="", max_length=2000)
    target_audience: str = Field(default="", max_length=2000)


class ProductIn(_Edge):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    price: float = Field(ge=0, le=100_000_000)
    currency: str = Field(default="USD", min_length=3, max_length=3)
    billing_period: OwnerPeriod = Field(default=BillingPeriod.one_time, description=f"what the price buys: {PERIOD_CHOICES_TEXT}")
    features: list[Feature] = Field(default_factory=list, max_length=50, description="at most 50, each at most 300 characters")
    call_to_action_url: HttpUrl | None = None

    @field_validator("currency")
    @classmethod
    def _iso_code(cls, value: str) -> str:
        code = value.upper()
        if code not in ISO_CURRENCIES:
            raise PydanticCustomError("currency_code", "must be an ISO 4217 currency code such as USD or EUR")
        return code


class ChatFlow(_Edge):
    greeting: str = Field(default="", max_length=2000)
    qualification_questions: list[str] = Field(default_factory=list, max_length=20)
    objection_handling: dict[str, str] = Field(default_factory=dict)
    closing_message: str = Field(default="", max_length=2000)


class ChatFlowIn(ChatFlow):
    """A chat flow as an owner sends it, each part bounded (campaigns stored before the bounds still load)."""

    qualification_questions: list[Question] = Field(
        default_factory=list, max_length=20, description="at most 20, each at most 500 characters"
    )
    objection_handling: dict[Objection, ObjectionAnswer] = Field(
        default_factory=dict,
        max_length=30,
        description="objection → answer: at most 30, objections up to 200 characters, answers up to 2000",
    )


_AGE_RANGE = re.compile(r"^(\d{1,3})\s*(?:[-\u2013]\s*(\d{1,3})|\+)$")
AUDIENCE_ITEM_MAX = 100


class Audience(_Edge):
    """Who a campaign is for, structured as the product's design has it: an age range, places, interests."""

    age_range: str = Field(default="", max_length=20, description="e.g. 25-45 or 18+; empty for any age")
    location: list[str] = Field(default_factory=list, max_length=50, description="cities, regions or countries")
    interests: list[str] = Field(default_factory=list, max_length=50)

    @model_validator(mode="before")
    @classmethod
    def _from_words(cls, data: Any) -> Any:
        # An audience written as one sentence (the earlier shape) is kept as one interest.
        if isinstance(data, str):
            return {"interests": [data]} if data.strip() else {}
        return data

    @field_validator("age_range")
    @classmethod
    def _age_range(cls, value: str) -> str:
        if not value:
            return ""
        found = _AGE_RANGE.match(value)
        if found is None:
            raise PydanticCustomError("age_range", "write an age range such as 25-45 or 18+")
        low = int(found[1])
        if found[2] is None:
            return f"{low}+"
        high = int(found[2])
        if not low <= high <= 120:
            raise PydanticCustomError("age_order", "the first age must not be above the second (at most 120)")
        return f"{low}-{high}"

    @field_validator("location", "interests")
    @classmethod
    def _items(cls, values: list[str]) -> list[str]:
        kept: dict[str, None] = {}
        for value in values:
            value = value.strip()
            if len(value) > AUDIENCE_ITEM_MAX:
                raise PydanticCustomError(
                    "entry_too_long", "each entry must be at most {max_length} characters", {"max_length": AUDIENCE_ITEM_MAX}
                )
            if value:
                kept.setdefault(value, None)
        return list(kept)

    def describe(self) -> str:
        """The audience in words ("ages 25-45; in Lisbon, Porto; interested in yoga"), empty when anyone."""
        parts = []
        if self.age_range:
            parts.append(f"ages {self.age_range}")
        if self.location:
            parts.append("in " + ", ".join(self.location))
        if self.interests:
            parts.append("interested in " + ", ".join(self.interests))
        return "; ".join(parts)


# A post's, media's or ad's id as Meta writes it: digits, a page's post as `{page_id}_{post_id}`.
PostId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128, pattern=r"^[0-9]+(_[0-9]+)?$")]
Keyword = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
COMMENT_REPLY_MAX = 1000  # Instagram's private reply takes 1000 bytes at most; the owner's text is sent as one part


class CommentRules(_Edge):
    """Which comments under the account's posts and ads get a private reply that opens a conversation."""

    post_ids: list[PostId] = Field(
        default_factory=list, max_length=100, description="posts, media or ads answered; empty for every one"
    )
    keywords: list[Keyword] = Field(
        default_factory=list, max_length=50, description="words a comment must contain (any one); empty for every comment"
    )
    private_reply: str = Field(
        default="", max_length=COMMENT_REPLY_MAX, description="the private message; empty for the campaign's greeting"
    )
    public_reply: str = Field(default="", max_length=COMMENT_REPLY_MAX, description="an answer under the comment; empty for none")

    @field_validator("post_ids", "keywords")
    @classmethod
    def _unique(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(values))


class FollowUpMoment(StrEnum):
    """What the bot's reply did that a silence after it is worth a nudge: stated a price, sent a link, or asked one
    of the campaign's qualification questions."""

    price = "price"
    link = "link"
    question = "question"


class TemplateParameter(StrEnum):
    """What fills a WhatsApp template's body parameter, in order: the customer's name or the campaign's product."""

    customer_name = "customer_name"
    product_name = "product_name"


TemplateName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=512, pattern=r"^[a-z0-9_]+$")]
TemplateLanguage = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=15, pattern=r"^[A-Za-z_]+$")]


class FollowUpTemplate(_Edge):
    """An approved WhatsApp template sent when the nudge falls outside the 24-hour window."""

    name: TemplateName
    language: TemplateLanguage = Field(description="the template's language code as Meta lists it, e.g. en_US")
    parameters: list[TemplateParameter] = Field(
        default_factory=list, max_length=10, description="what fills the body's {{1}}, {{2}}…: customer_name or product_name"
    )


FOLLOW_UP_TEXT_MAX = 1000
# A nudge waits at least a few minutes, and never longer than a week (no window is open longer).
FOLLOW_UP_MIN_MINUTES = 5
FOLLOW_UP_MAX_MINUTES = 7 * 24 * 60


class FollowUp(_Edge):
    """One nudge: `after_minutes` of the customer's silence after a reply of the bot that did `after`."""

    after_minutes: int = Field(ge=FOLLOW_UP_MIN_MINUTES, le=FOLLOW_UP_MAX_MINUTES)
    after: FollowUpMoment
    text: str = Field(default="", max_length=FOLLOW_UP_TEXT_MAX, description="the owner's words; empty for the default")
    template: FollowUpTemplate | None = Field(default=None, description="WhatsApp, outside the 24-hour window")


class CampaignIn(_Edge):
    """What an owner posts to create or replace a campaign."""

    name: str = Field(min_length=1, max_length=200)
    product: ProductIn
    target_platform: TargetPlatform = TargetPlatform.all
    chat_flow: ChatFlowIn = Field(default_factory=ChatFlowIn)
    target_audience: Audience = Field(default_factory=Audience)
    status: CampaignStatus = CampaignStatus.draft
    comment_rules: CommentRules | None = Field(default=None, description="private replies to comments; null for none")
    follow_ups: list[FollowUp] = Field(default_factory=list, max_length=2, description="at most two nudges")


class Product(BaseModel):
    """A product as stored and as the engine sees it: money in minor units."""

    name: str
    description: str = ""
    price_cents: int
    currency: str
    billing_period: Period = BillingPeriod.one_time
    features: list[str] = Field(default_factory=list)
    cta_url: str = ""

    @property
    def price(self) -> float:
        return to_major(self.price_cents, self.currency)


class Campaign(BaseModel):
    id: str
    tenant_id: str
    name: str
    product: Product
    target_platform: TargetPlatform
    chat_flow: ChatFlow
    audience: Audience = Field(default_factory=Audience)
    # The audience in words, as the reply pipeline and retrieval read it.
    target_audience: str = ""
    status: CampaignStatus
    created_at: datetime
    updated_at: datetime
    comment_rules: CommentRules | None = None
    follow_ups: list[FollowUp] = Field(default_factory=list)

    def visible_on(self, platform: str) -> bool:
        """Only active campaigns for this platform (or all) are ever offered to a customer."""
        return self.status == CampaignStatus.active and self.target_platform.value in (platform, "all")


class DocumentInfo(BaseModel):
    id: str
    tenant_id: str
    filename: str
    content_type: str
    size_bytes: int
    chunks: int
    created_at: datetime


class Passage(BaseModel):
    """A piece of the knowledge base retrieved for a question."""

    text: str
    source: str  # "profile", "campaign:<id>", "document:<id>"
    title: str = ""
    score: float = 0.0


class Amount(BaseModel):
    """A money amount found in text."""

    minor: int  # in the minor unit of `currency`, or value*100 when no currency was written
    currency: str = ""  # empty when the text named none
    raw: str = ""
    # Other currencies the written sign may mean ("$49" may be CAD or AUD too); see money.amount_matches.
    alternatives: list[str] = Field(default_factory=list)


class CatalogFacts(BaseModel):
    """What a conversation on one platform may state: its products, prices and known amounts."""

    tenant_id: str
    platform: str
    products: list[Campaign] = Field(default_factory=list)
    # Amounts that stand in the tenant's own documents and profile (a shipping fee, say).
    document_amounts: list[Amount] = Field(default_factory=list)
    # Percentages that stand in the tenant's own documents, profile or campaigns.
    percentages: list[float] = Field(default_factory=list)
    # Names of every product of the tenant, on any platform and in any status.
    all_product_names: list[str] = Field(default_factory=list)
