"""A WhatsApp customer is one conversation whichever id names them: their number, or their business-scoped user
id when the number is hidden, or their new number after Meta reports the change."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.conversations import store as convs

NOW = datetime(2026, 6, 1, tzinfo=UTC)
BSUID = "US.13491208655302741918"


async def test_found_by_the_user_id_when_the_message_names_no_number(db) -> None:
    await convs.ensure_indexes(db)
    opened, _ = await convs.create_conversation(db, "t", "whatsapp", "PN", "15550001", now=NOW, customer_user_id=BSUID)
    found = await convs.find_customer_conversation(db, "t", "whatsapp", "PN", BSUID, BSUID)
    assert found is not None and found.id == opened.id
    # Another business, or another number of the business, never finds it.
    assert await convs.find_customer_conversation(db, "u", "whatsapp", "PN", BSUID, BSUID) is None
    assert await convs.find_customer_conversation(db, "t", "whatsapp", "PN2", BSUID, BSUID) is None


async def test_a_move_takes_the_lead_along_and_never_merges_two_conversations(db) -> None:
    await convs.ensure_indexes(db)
    old, _ = await convs.create_conversation(db, "t", "whatsapp", "PN", "15550001", now=NOW)
    await db.leads.insert_one({"_id": "lead1", "tenant_id": "t", "conversation_id": old.id, "customer_id": "15550001"})
    moved = await convs.move_customer(db, old, "15550002")
    assert moved is not None and moved.id == old.id and moved.customer_id == "15550002"
    assert (await db.leads.find_one({"_id": "lead1"}))["customer_id"] == "15550002"

    other, _ = await convs.create_conversation(db, "t", "whatsapp", "PN", "15550003", now=NOW)
    assert await convs.move_customer(db, moved, "15550003") is None  # that number has its own conversation
    kept = await convs.get_conversation(db, "t", moved.id)
    assert kept is not None and kept.customer_id == "15550002" and other.customer_id == "15550003"
