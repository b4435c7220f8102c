"""The events a CRM receives, and the shape of each one's `data`: ids and the fields a CRM files a lead under.

Every delivery's body is `{"type": …, "timestamp": …, "data": {…}}` (the Standard Webhooks envelope). Amounts are
in major units of their currency (`120.5` USD), as the owner API writes them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

EventType = Literal["lead.created", "lead.stage_changed", "conversation.handoff", "sale.recorded", "conversation.closed"]
EVENT_TYPES: tuple[EventType, ...] = (
    "lead.created",
    "lead.stage_changed",
    "conversation.handoff",
    "sale.recorded",
    "conversation.closed",
)
# Sent only by the settings page's "send a test event" button.
TEST_EVENT = "webhook.test"


class Data(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LeadData(Data):
    """`lead.created` and `lead.stage_changed`."""

    lead_id: str
    conversation_id: str
    platform: str = Field(description="facebook, instagram or whatsapp")
    customer_id: str = Field(description="the customer's id on that platform")
    name: str = Field(description="the name the customer gave, else the one their profile shows; may be empty")
    email: str = ""
    phone: str = Field(default="", description="E.164")
    stage: str = Field(description="new, engaged, qualified, proposal, converted or lost")
    previous_stage: str = Field(default="", description="the stage before this change; empty on lead.created")
    score: int = Field(ge=0, le=100)
    campaign_id: str = ""
    source: str = Field(default="message", description="what brought the customer: message, ad or comment")
    ad_id: str = ""
    value: float = Field(default=0, description="the sale's amount once converted, else 0")
    currency: str = ""


class ConversationData(Data):
    """`conversation.handoff` (the bot passed the customer to a person) and `conversation.closed`."""

    conversation_id: str
    platform: str
    customer_id: str
    customer_name: str = ""
    campaign_id: str = ""
    status: str = Field(description="the conversation's new status: handoff, closed or opted_out (the customer said STOP)")


class SaleData(Data):
    """`sale.recorded`."""

    sale_id: str
    conversation_id: str
    lead_id: str = ""
    platform: str
    customer_id: str
    campaign_id: str = ""
    amount: float
    currency: str = Field(description="ISO 4217")


class PingData(Data):
    """`webhook.test`: sent by the owner's button, to check the receiver and its signature check."""

    endpoint_id: str
    message: str


class LeadEvent(BaseModel):
    type: Literal["lead.created", "lead.stage_changed"]
    timestamp: str = Field(description="when it happened, ISO 8601 in UTC")
    data: LeadData


class ConversationEvent(BaseModel):
    type: Literal["conversation.handoff", "conversation.closed"]
    timestamp: str = Field(description="when it happened, ISO 8601 in UTC")
    data: ConversationData


class SaleEvent(BaseModel):
    type: Literal["sale.recorded"]
    timestamp: str = Field(description="when it happened, ISO 8601 in UTC")
    data: SaleData


class PingEvent(BaseModel):
    type: Literal["webhook.test"]
    timestamp: str = Field(description="when it was sent, ISO 8601 in UTC")
    data: PingData


# Each event's body and what it means, for the API description.
EVENTS: dict[str, tuple[type[BaseModel], str]] = {
    "lead.created": (LeadEvent, "A conversation produced a lead"),
    "lead.stage_changed": (LeadEvent, "A lead moved to another stage (a sale recorded makes it converted)"),
    "conversation.handoff": (ConversationEvent, "The bot handed the customer to a person"),
    "sale.recorded": (SaleEvent, "A sale was recorded on a conversation"),
    "conversation.closed": (ConversationEvent, "The conversation ended (closed, or the customer opted out)"),
    TEST_EVENT: (PingEvent, "The settings page's test event"),
}
SIGNATURE_HEADERS = {
    "webhook-id": "the event's id, the same on every retry: drop a second delivery of one id",
    "webhook-timestamp": "when this attempt was signed, in Unix seconds: refuse one more than 5 minutes away",
    "webhook-signature": 'v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{raw body}"> keyed by the '
    "base64-decoded part of your secret after whsec_",
}
