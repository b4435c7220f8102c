"""What a turn reads and writes in storage: its messages from one read, and a lead that an owner's sale
made meanwhile is never undone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.conversations import store as convs
from bot.conversations.turn_context import RECENT_LIMIT, load_turn_messages
from bot.pipeline.types import LeadFields, LeadState
from bot.runtime.indexes import ensure_all_indexes
from bot.sales import leads as lead_store
from bot.sales.conversions import ConversionIn, record_conversion


@pytest.fixture
async def db(db):
    await ensure_all_indexes(db)  # a lead per conversation rests on its unique index
    return db


async def _conversation(db, customer: str = "PSID_1") -> convs.Conversation:
    conversation, _ = await convs.open_conversation(db, "tenant-a", "facebook", "PAGE", customer)
    return conversation


async def _customer_says(db, conversation: convs.Conversation, mid: str, text: str, *, seconds: int) -> None:
    at = convs.utcnow() - timedelta(minutes=10) + timedelta(seconds=seconds)
    await db.messages.insert_one({
        "_id": f"in_{mid}", "tenant_id": conversation.tenant_id, "conversation_id": conversation.id,
        "direction": "in", "sender": "customer", "text": text, "at": at, "platform_message_id": mid, "state": "pending",
    })


async def test_pending_messages_are_the_turn_and_earlier_ones_its_history(db):
    conversation = await _conversation(db)
    await _customer_says(db, conversation, "m1", "hi", seconds=0)
    await db.messages.update_one({"_id": "in_m1"}, {"$set": {"state": "answered"}})
    await convs.record_outbound(db, "tenant-a", conversation.id, sender="bot", text="Hello!", source="offline", delivery="sent")
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
    await db.messages.insert_one({"_id": "in_other", "tenant_id": "tenant-b", "conversation_id": conversation.id,
                                  "direction": "in", "sender": "customer", "text": "not yours", "at": convs.utcnow(),
                                  "state": "pending"})

    messages = await load_turn_messages(db, conversation)

    assert [m.text for m in messages.pending] == ["hello"]
    assert messages.untouched


async def test_a_sale_recorded_during_a_turn_is_not_undone_by_the_turns_lead(db):
    conversation = await _conversation(db, "PSID_BUYER")
    await lead_store.save_lead(db, conversation, LeadState(score=40, stage="engaged", messages_in=2), previous=None)
    read_by_turn = await lead_store.get_lead_doc(db, "tenant-a", conversation.id)

    # The owner records the sale while the turn is talking to the model.
    recorded = await record_conversion(db, "tenant-a", conversation.id, ConversionIn(value=49, currency="USD"))
    assert recorded is not None and recorded[1]

    after_turn = LeadState(score=75, stage="qualified", messages_in=3, fields=LeadFields(email="dana@example.com"))
    saved = await lead_store.save_lead(db, conversation, after_turn, previous=read_by_turn)

    stored = await lead_store.get_lead_doc(db, "tenant-a", conversation.id)
    assert saved["stage"] == "converted" and saved["revision"] == stored["revision"] == 3
    assert stored["stage"] == "converted" and stored["value_cents"] == 4900 and stored["currency"] == "USD"
    assert stored["score"] == 75 and stored["email"] == "dana@example.com" and stored["messages_in"] == 3
    history = await lead_store.lead_history(db, "tenant-a", stored["_id"])
    assert [event["stage"] for event in history] == ["engaged", "converted", "converted"]


async def test_a_first_turns_lead_meets_one_already_stored(db):
    # A turn that stopped after saving its lead left the messages pending: the next attempt writes over it.
    conversation = await _conversation(db, "PSID_AGAIN")
    await lead_store.save_lead(db, conversation, LeadState(score=10, messages_in=1), previous=None)
    await lead_store.save_lead(db, conversation, LeadState(score=12, messages_in=1), previous=None)

    leads = await db.leads.find({"tenant_id": "tenant-a", "conversation_id": conversation.id}).to_list(None)
    assert len(leads) == 1 and leads[0]["score"] == 12 and leads[0]["messages_in"] == 1
