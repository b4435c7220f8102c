"""The MongoDB forms behind delivery failures and channel health, with the results MongoDB documents for them."""

from __future__ import annotations

from pymongo import ReturnDocument


async def test_min_sets_an_absent_field_and_keeps_the_earlier_time(db):
    # A channel's first failure time: set when absent, kept when a later failure comes.
    await db.channel_accounts.insert_one({"_id": "a", "tenant_id": "t"})
    await db.channel_accounts.update_one(
        {"_id": "a"}, {"$set": {"failing_problem": "unreachable"}, "$min": {"failing_since_ms": 5_000}}
    )
    await db.channel_accounts.update_one(
        {"_id": "a"}, {"$set": {"failing_problem": "meta_error"}, "$min": {"failing_since_ms": 9_000}}
    )
    doc = await db.channel_accounts.find_one({"_id": "a"})
    assert (doc["failing_since_ms"], doc["failing_problem"]) == (5_000, "meta_error")
    await db.channel_accounts.update_one({"_id": "a"}, {"$unset": {"failing_since_ms": "", "failing_problem": ""}})
    assert set(await db.channel_accounts.find_one({"_id": "a"})) == {"_id", "tenant_id"}


async def test_delivery_filters_match_absent_as_ok(db):
    await db.conversations.insert_many(
        [
            {"_id": "answered", "tenant_id": "t"},
            {"_id": "retrying", "tenant_id": "t", "delivery": "pending"},
            {"_id": "failed", "tenant_id": "t", "delivery": "failed", "delivery_since_ms": 7_000},
        ]
    )
    ok = await db.conversations.find({"tenant_id": "t", "delivery": {"$nin": ["pending", "failed"]}}).to_list(None)
    assert [d["_id"] for d in ok] == ["answered"]
    assert await db.conversations.count_documents({"tenant_id": "t", "delivery": "failed"}) == 1
    recent = await db.conversations.find({"delivery": "failed", "delivery_since_ms": {"$gt": 6_000}}).to_list(None)
    assert [d["_id"] for d in recent] == ["failed"]
    assert await db.conversations.find({"delivery": "failed", "delivery_since_ms": {"$gt": 7_000}}).to_list(None) == []


async def test_a_retry_is_claimed_once(db):
    await db.conversations.insert_one({"_id": "c", "tenant_id": "t", "delivery": "failed"})
    claim = {"_id": "c", "tenant_id": "t", "delivery": "failed"}
    first = await db.conversations.find_one_and_update(
        claim, {"$set": {"delivery": "pending"}}, return_document=ReturnDocument.BEFORE
    )
    second = await db.conversations.find_one_and_update(claim, {"$set": {"delivery": "pending"}})
    assert first is not None and first["delivery"] == "failed" and second is None


async def test_pending_messages_up_to_a_time(db):
    from datetime import UTC, datetime, timedelta

    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    await db.messages.insert_many(
        [
            {"_id": "m1", "tenant_id": "t", "conversation_id": "c", "state": "pending", "at": t0},
            {"_id": "m2", "tenant_id": "t", "conversation_id": "c", "state": "pending", "at": t0 + timedelta(minutes=5)},
            {"_id": "m3", "tenant_id": "t", "conversation_id": "c", "state": "answered", "at": t0},
        ]
    )
    found = await db.messages.find(
        {"tenant_id": "t", "conversation_id": "c", "state": "pending", "at": {"$lte": t0 + timedelta(minutes=1)}}, {"_id": 1}
    ).to_list(None)
    assert [d["_id"] for d in found] == ["m1"]
