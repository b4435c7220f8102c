"""Request bodies of the owner API that are the dashboard's own (knowledge and channels bring theirs)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SignupIn(_Body):
    email: EmailStr = Field(max_length=254)
    password: str = Field(min_length=8, max_length=1024)
    business_name: str = Field(min_length=1, max_length=200)


class LoginIn(_Body):
    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class ChannelIn(_Body):
    """Connect an account by hand: a page id, Instagram account id or WhatsApp phone number id."""

    platform: Literal["facebook", "instagram", "whatsapp"]
    account_id: str = Field(min_length=1, max_length=32, json_schema_extra={"pattern": "^[0-9]+$"})
    access_token: str = Field(min_length=1, max_length=4096)
    name: str = Field(default="", max_length=200)

    @field_validator("account_id")
    @classmethod
    def _numeric_id(cls, value: str) -> str:
        if not value.isascii() or not value.isdigit():
            raise ValueError("must be the numeric id of the page, Instagram account or WhatsApp phone number")
        return value


class ReplyIn(_Body):
    text: str = Field(min_length=1, max_length=2000)


class ConversionIn(_Body):
    value: float = Field(ge=0, le=100_000_000)
    currency: str = Field(default="", max_length=3)


class LeoChatIn(_Body):
    message: str = Field(min_length=1, max_length=4000)


# Shapes the API answers with (documentation of the contract; more fields may be present).


class MessageOut(BaseModel):
    direction: Literal["in", "out"]
    sender: Literal["customer", "bot", "human"]
    text: str
    at: datetime


class LeadOut(BaseModel):
    id: str
    conversation_id: str
    platform: Literal["facebook", "instagram", "whatsapp"]
    customer_id: str
    name: str = ""
    email: str = ""
    phone: str = ""
    score: int = Field(ge=0, le=100)
    score_reasons: list[str] = Field(default_factory=list)
    stage: Literal["new", "engaged", "qualified", "proposal", "converted", "lost"]
    campaign_id: str = ""
    value: float = 0


class ConversationOut(BaseModel):
    id: str
    platform: Literal["facebook", "instagram", "whatsapp"]
    customer_id: str
    customer_name: str = ""
    status: Literal["bot", "handoff", "human", "closed", "opted_out"]
    campaign_id: str = ""
    lead: LeadOut | None = None
    messages: list[MessageOut] = Field(default_factory=list)


class ProductOut(BaseModel):
    name: str
    description: str = ""
    price: float
    currency: str
    features: list[str] = Field(default_factory=list)
    call_to_action_url: str | None = None


class CampaignOut(BaseModel):
    id: str
    name: str
    product: ProductOut
    target_platform: Literal["facebook", "instagram", "whatsapp", "all"]
    chat_flow: dict[str, object]
    target_audience: str = ""
    status: Literal["draft", "active", "paused", "completed"]
    created_at: datetime
    updated_at: datetime
