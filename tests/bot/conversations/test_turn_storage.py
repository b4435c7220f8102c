"""What a turn reads and writes in storage: its messages from one read, and a lead that an owner's sale
made meanwhile is never undone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.conversations import messages as msgs
from bot.conversations import store as convs
from bot.conversations.records import Conversation, InboundState
from bot.conversations.turn_context import RECENT_LIMIT, load_turn_messages
from bot.pipeline.types import LeadFields, LeadStage, LeadState
from bot.runtime.indexes import ensure_all_indexes
from bot.sales import leads as lead_store
from bot.sales.conversions import ConversionIn, record_conversion
from channels.events import InboundMessage
from dashboard.api.shapes.lead_json import lead_json

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")


@pytest.fixture
async def db(db):
    await ensure_all_indexes(db)  # a lead per conversation rests on its unique index
    return db


async def _conversation(db, customer: str = "PSID_1", tenant: str = "tenant-a") -> Conversation:
    conversation, _ = await convs.open_conversation(db, tenant, "facebook", "PAGE", customer, now=NOW - timedelta(hours=1))
    return conversation


async def _customer_says(db, conversation: Conversation, mid: str, text: str, *, seconds: int) -> None:
    written = NOW - timedelta(minutes=10) + timedelta(seconds=seconds)
    event = InboundMessage(
        platform="facebook",
        account_id="PAGE",
        customer_id=conversation.customer_id,
        message_id=mid,
        text=text,
        timestamp_ms=int(written.timestamp() * 1000),
    )
    await msgs.record_inbound(db, conversation.tenant_id, conversation, event, text, now=NOW)


async def test_pending_messages_are_the_turn_and_earlier_ones_its_history(db):
    conversation = await _conversation(db)
    await _customer_says(db, conversation, "m1", "hi", seconds=0)
    await msgs.mark_inbound(db, "tenant-a", [msgs.inbound_message_id("facebook", "PAGE", "m1")], InboundState.answered)
    await msgs.record_outbound(
        db,
        "tenant-a",
        conversation.id,
        sender="bot",
        text="Hello!",
        source="offline",
        delivery="sent",
        now=NOW - timedelta(minutes=9),
    )
    await _customer_says(db, conversation, "m2", "how much is", seconds=120)
    await _customer_says(db, conversation, "m3", "the pass?", seconds=121)

    messages = await load_turn_messages(db, conversation)

    assert [m.text for m in messages.pending] == ["how much is", "the pass?"]
    assert [m.text for m in messages.history] == ["hi", "Hello!"]
    assert not messages.untouched  # a turn has answered here, so a lead may exist


async def test_a_burst_longer_than_one_read_is_answered_whole(db):
    conversation = await _conversation(db)
    for i in range(RECENT_LIMIT + 5):
        await _customer_says(db, conversation, f"b{i}", f"message {i}", seconds=i)

    messages = await load_turn_messages(db, conversation)

    assert len(messages.pending) == RECENT_LIMIT + 5
    assert messages.pending[0].text == "message 0" and messages.pending[-1].text == f"message {RECENT_LIMIT + 4}"


async def test_a_first_conversation_is_untouched_and_another_tenants_messages_are_not_read(db):
    conversation = await _conversation(db)
    await _customer_says(db, conversation, "f1", "hello", seconds=0)
    # A document no store writes (another tenant's message filed under this conversation's id): reads are scoped
    # by tenant as well as by conversation, so even that stays out of this tenant's turn.
    await db.messages.insert_one(
        {
            "_id": "in_other",
            "tenant_id": "tenant-b",
            "conversation_id": conversation.id,
            "direction": "in",
            "sender": "customer",
            "text": "not yours",
            "at": NOW,
            "state": "pending",
        }
    )

    messages = await load_turn_messages(db, conversation)

    assert [m.text for m in messages.pending] == ["hello"]
    assert messages.untouched


async def test_a_sale_recorded_during_a_turn_is_not_undone_by_the_turns_lead(db):
    conversation = await _conversation(db, "PSID_BUYER")
    await lead_store.save_lead_after_turn(
        db, conversation, LeadState(score=40, stage=LeadStage.engaged, messages_in=2), campaign_id="", previous=None, now=NOW
    )
    read_by_turn = await lead_store.get_lead(db, "tenant-a", conversation.id)

    # The owner records the sale while the turn is talking to the model.
    _, created = await record_conversion(db, conversation, ConversionIn(value=49, currency="USD"), now=NOW, zone=UTC_ZONE)
    assert created

    after_turn = LeadState(score=75, stage=LeadStage.qualified, messages_in=3, fields=LeadFields(email="dana@example.com"))
    saved = await lead_store.save_lead_after_turn(db, conversation, after_turn, campaign_id="", previous=read_by_turn, now=NOW)

    stored = await lead_store.get_lead(db, "tenant-a", conversation.id)
    assert stored is not None
    assert saved.stage == LeadStage.converted and saved.revision == stored.revision == 3
    assert stored.stage == LeadStage.converted and stored.value_cents == 4900 and stored.currency == "USD"
    assert stored.score == 75 and stored.fields.email == "dana@example.com" and stored.counters["messages_in"] == 3
    history = await lead_store.lead_history(db, "tenant-a", stored.id)
    assert [event["stage"] for event in history] == ["engaged", "converted", "converted"]


async def test_a_recorded_sale_changes_the_leads_next_step(db):
    conversation = await _conversation(db, "PSID_PROPOSAL")
    state = LeadState(score=80, stage=LeadStage.proposal, cta_sent=True, fields=LeadFields(email="kai@example.com"))
    before = await lead_store.save_lead_after_turn(db, conversation, state, campaign_id="", previous=None, now=NOW)
    assert "purchase link" in before.next_step

    await record_conversion(db, conversation, ConversionIn(value=120, currency="EUR"), now=NOW, zone=UTC_ZONE)

    after = await lead_store.get_lead(db, "tenant-a", conversation.id)
    assert after is not None and after.stage == LeadStage.converted
    assert "purchase link" not in after.next_step and after.next_step


async def test_a_name_from_the_platform_is_shown_but_not_counted_as_given(db):
    conversation, _ = await convs.open_conversation(db, "tenant-a", "facebook", "PAGE", "PSID_NAMED", "Dana Example", now=NOW)
    lead = await lead_store.save_lead_after_turn(db, conversation, LeadState(score=5), campaign_id="", previous=None, now=NOW)

    stored = await lead_store.get_lead(db, "tenant-a", conversation.id)
    assert stored is not None and stored.name == "Dana Example" and stored.fields.name is None
    assert stored.state().fields.name is None  # the scorer never sees it as typed by the customer
    assert lead_json(lead)["name"] == "Dana Example" and not lead_json(lead)["name_given"]


async def test_a_first_turns_lead_meets_one_already_stored(db):
    # A turn that stopped after saving its lead left the messages pending: the next attempt writes over it.
    conversation = await _conversation(db, "PSID_AGAIN")
    await lead_store.save_lead_after_turn(
        db, conversation, LeadState(score=10, messages_in=1), campaign_id="", previous=None, now=NOW
    )
    await lead_store.save_lead_after_turn(
        db, conversation, LeadState(score=12, messages_in=1), campaign_id="", previous=None, now=NOW
    )

    leads = await lead_store.list_leads(db, "tenant-a")
    assert len(leads) == 1 and leads[0].score == 12 and leads[0].counters["messages_in"] == 1
