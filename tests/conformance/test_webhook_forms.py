"""The MongoDB forms the outbound webhooks use (`bot/outbound_webhooks/`, the leads' pending CRM events), with the
results MongoDB documents for them."""

from __future__ import annotations

import asyncio

from pymongo import ASCENDING, DESCENDING


async def test_a_due_delivery_is_claimed_once_and_found_in_time_order(db):
    await db.webhook_deliveries.insert_many(
        [
            {"_id": "e:2", "tenant_id": "t", "endpoint_id": "e", "state": "pending", "next_try_ms": 2_000},
            {"_id": "e:1", "tenant_id": "t", "endpoint_id": "e", "state": "pending", "next_try_ms": 1_000},
            {"_id": "e:3", "tenant_id": "t", "endpoint_id": "e", "state": "pending", "next_try_ms": 9_000},
            {"_id": "e:4", "tenant_id": "t", "endpoint_id": "e", "state": "held", "next_try_ms": 500},
        ]
    )
    due = (
        await db.webhook_deliveries.find({"state": "pending", "next_try_ms": {"$lte": 2_000}})
        .sort("next_try_ms", ASCENDING)
        .limit(50)
        .to_list(50)
    )
    assert [d["_id"] for d in due] == ["e:1", "e:2"]

    async def claim() -> int:
        result = await db.webhook_deliveries.update_one(
            {"_id": "e:1", "state": "pending", "next_try_ms": 1_000}, {"$set": {"next_try_ms": 121_000}}
        )
        return result.modified_count

    assert sorted(await asyncio.gather(*(claim() for _ in range(10)))) == [0] * 9 + [1]
    query = {"tenant_id": "t", "endpoint_id": "e", "state": {"$in": ["pending", "held"]}}
    assert await db.webhook_deliveries.count_documents(query) == 4


async def test_pausing_holds_the_pending_deliveries_and_resuming_sends_them_afresh(db):
    await db.webhook_deliveries.insert_many(
        [
            {"_id": "a", "tenant_id": "t", "endpoint_id": "e", "state": "pending", "attempts": 9, "first_failed_ms": 5},
            {"_id": "b", "tenant_id": "t", "endpoint_id": "e", "state": "delivered", "attempts": 1},
            {"_id": "c", "tenant_id": "t", "endpoint_id": "other", "state": "pending", "attempts": 0},
        ]
    )
    held = await db.webhook_deliveries.update_many(
        {"endpoint_id": "e", "tenant_id": "t", "state": "pending"}, {"$set": {"state": "held"}}
    )
    assert held.modified_count == 1
    await db.webhook_deliveries.update_many(
        {"endpoint_id": "e", "tenant_id": "t", "state": "held"},
        {"$set": {"state": "pending", "next_try_ms": 7, "attempts": 0}, "$unset": {"first_failed_ms": ""}},
    )
    assert await db.webhook_deliveries.find_one({"_id": "a"}) == {
        "_id": "a",
        "tenant_id": "t",
        "endpoint_id": "e",
        "state": "pending",
        "attempts": 0,
        "next_try_ms": 7,
    }
    assert (await db.webhook_deliveries.find_one({"_id": "c"}))["state"] == "pending"


async def test_the_delivery_log_keeps_the_newest_attempts(db):
    await db.webhook_attempts.insert_many(
        [{"_id": f"a{i}", "tenant_id": "t", "endpoint_id": "e", "at_ms": i * 10} for i in range(1, 8)]
    )
    scope = {"tenant_id": "t", "endpoint_id": "e"}
    older = await db.webhook_attempts.find(scope, {"at_ms": 1}).sort("at_ms", DESCENDING).skip(5).limit(1).to_list(1)
    assert older == [{"_id": "a2", "at_ms": 20}]
    await db.webhook_attempts.delete_many({**scope, "at_ms": {"$lt": older[0]["at_ms"]}})
    kept = await db.webhook_attempts.find(scope).sort("at_ms", DESCENDING).limit(20).to_list(20)
    assert [a["_id"] for a in kept] == ["a7", "a6", "a5", "a4", "a3", "a2"]


async def test_a_leads_pending_crm_events_round_trip_and_are_found_once_stale(db):
    pending = [{"type": "lead.created", "key": "lead:l1:created", "data": {"lead_id": "l1", "score": 40, "value": 0.0}}]
    await db.leads.insert_one({"_id": "l1", "tenant_id": "t", "revision": 1, "crm_pending": pending, "crm_pending_ms": 1_000})
    await db.leads.insert_one({"_id": "l2", "tenant_id": "t", "revision": 1})
    await db.leads.replace_one(
        {"_id": "l1", "tenant_id": "t", "revision": 1},
        {"_id": "l1", "tenant_id": "t", "revision": 2, "crm_pending": pending * 2, "crm_pending_ms": 2_000},
    )
    stale = await db.leads.find({"crm_pending_ms": {"$lte": 2_000}}).limit(100).to_list(100)
    assert [d["_id"] for d in stale] == ["l1"] and stale[0]["crm_pending"] == pending * 2
    assert await db.leads.find({"crm_pending_ms": {"$lte": 1_999}}).to_list(None) == []
    cleared = await db.leads.update_one(
        {"_id": "l1", "tenant_id": "t", "revision": 2}, {"$unset": {"crm_pending": "", "crm_pending_ms": ""}}
    )
    assert cleared.modified_count == 1
    assert await db.leads.find_one({"_id": "l1"}) == {"_id": "l1", "tenant_id": "t", "revision": 2}
