"""Every MongoDB form the owners' test questions use (`bot/evaluation/store.py`), with MongoDB's documented result."""

from __future__ import annotations

from datetime import UTC, datetime

from pymongo import ASCENDING, IndexModel

T0 = datetime(2026, 1, 1, tzinfo=UTC)


async def test_questions_sorted_by_time_then_id_within_one_tenant(db):
    await db.quality_questions.create_indexes([IndexModel([("tenant_id", ASCENDING), ("created_at", ASCENDING)])])
    await db.quality_questions.insert_many(
        [
            {"_id": "tq_b", "tenant_id": "t", "question": "b", "expected": "x", "created_at": T0},
            {"_id": "tq_a", "tenant_id": "t", "question": "a", "expected": "x", "created_at": T0},
            {"_id": "tq_0", "tenant_id": "t", "question": "0", "expected": "x", "created_at": datetime(2025, 12, 31, tzinfo=UTC)},
            {"_id": "tq_z", "tenant_id": "u", "question": "z", "expected": "x", "created_at": T0},
        ]
    )
    found = (
        await db.quality_questions.find({"tenant_id": "t"})
        .sort([("created_at", ASCENDING), ("_id", ASCENDING)])
        .limit(2)
        .to_list(None)
    )
    assert [d["_id"] for d in found] == ["tq_0", "tq_a"]
    assert await db.quality_questions.count_documents({"tenant_id": "t"}) == 3


async def test_delete_one_filtered_on_the_tenant_leaves_another_tenants_question(db):
    await db.quality_questions.insert_one({"_id": "tq_1", "tenant_id": "t", "created_at": T0})
    assert (await db.quality_questions.delete_one({"_id": "tq_1", "tenant_id": "other"})).deleted_count == 0
    assert (await db.quality_questions.delete_one({"_id": "tq_1", "tenant_id": "t"})).deleted_count == 1
    await db.quality_questions.insert_many([{"_id": f"tq_{n}", "tenant_id": "t", "created_at": T0} for n in range(3)])
    assert (await db.quality_questions.delete_many({"tenant_id": "t"})).deleted_count == 3
