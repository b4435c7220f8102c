"""The MongoDB forms behind the inbox and the live pages, with the results MongoDB documents for them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from pymongo import ASCENDING, DESCENDING, IndexModel


async def test_changed_by_message_or_by_status_after_a_time(db):
    # The live pages' poll: a newer message or a newer status change, oldest message first.
    await db.conversations.insert_many(
        [
            {"_id": "quiet", "tenant_id": "t", "last_message_at_ms": 1_000},
            {"_id": "taken", "tenant_id": "t", "last_message_at_ms": 2_000, "changed_at_ms": 9_000},
            {"_id": "wrote", "tenant_id": "t", "last_message_at_ms": 8_000},
            {"_id": "other", "tenant_id": "u", "last_message_at_ms": 9_500},
        ]
    )
    query = {"tenant_id": "t", "$or": [{"last_message_at_ms": {"$gt": 5_000}}, {"changed_at_ms": {"$gt": 5_000}}]}
    found = await db.conversations.find(query).sort("last_message_at_ms", ASCENDING).limit(100).to_list(None)
    assert [d["_id"] for d in found] == ["taken", "wrote"]


async def test_max_sets_an_absent_time_and_only_moves_it_forward(db):
    # Marking a conversation read: the first mark is set, an older one never wins.
    await db.conversations.insert_one({"_id": "c", "tenant_id": "t"})
    await db.conversations.update_one({"_id": "c", "tenant_id": "t"}, {"$max": {"read_at_ms": 5_000}})
    await db.conversations.update_one({"_id": "c", "tenant_id": "t"}, {"$max": {"read_at_ms": 3_000}})
    assert (await db.conversations.find_one({"_id": "c"}))["read_at_ms"] == 5_000
    await db.conversations.update_one({"_id": "c", "tenant_id": "t"}, {"$set": {"status": "human", "changed_at_ms": 6_000}})
    assert (await db.conversations.find_one({"_id": "c"}))["changed_at_ms"] == 6_000


async def test_messages_waiting_in_some_states_with_a_top_level_projection(db):
    await db.messages.create_indexes([IndexModel([("tenant_id", ASCENDING), ("state", ASCENDING)])])
    await db.messages.insert_many(
        [
            {"_id": "m1", "tenant_id": "t", "conversation_id": "a", "state": "answered"},
            {"_id": "m2", "tenant_id": "t", "conversation_id": "b", "state": "pending"},
            {"_id": "m3", "tenant_id": "t", "conversation_id": "c", "state": "held"},
            {"_id": "m4", "tenant_id": "t", "conversation_id": "c", "state": "pending"},
            {"_id": "m5", "tenant_id": "u", "conversation_id": "d", "state": "pending"},
        ]
    )
    cursor = db.messages.find({"tenant_id": "t", "state": {"$in": ["pending", "held"]}}, {"conversation_id": 1})
    docs = await cursor.to_list(None)
    assert sorted(d["conversation_id"] for d in docs) == ["b", "c", "c"]
    assert all(set(d) == {"_id", "conversation_id"} for d in docs)


async def test_words_found_in_any_case_with_an_escaped_regex(db):
    await db.messages.insert_many(
        [
            {"_id": "m1", "tenant_id": "t", "conversation_id": "a", "text": "Is the mat WASHABLE? (asking)"},
            {"_id": "m2", "tenant_id": "t", "conversation_id": "b", "text": "a.b.c price $49"},
            {"_id": "m3", "tenant_id": "u", "conversation_id": "c", "text": "washable too"},
        ]
    )

    async def found(words: str) -> list[str]:
        pattern = {"$regex": re.escape(words), "$options": "i"}
        docs = await db.messages.find({"tenant_id": "t", "text": pattern}, {"conversation_id": 1}).to_list(None)
        return sorted(d["conversation_id"] for d in docs)

    assert await found("washable") == ["a"]
    assert await found("washable? (ask") == ["a"]
    assert await found("$49") == ["b"]
    assert await found("a.*") == []
    assert await found("a.b") == ["b"]


async def test_a_conversations_latest_messages_by_its_two_fields(db):
    await db.messages.create_indexes([IndexModel([("tenant_id", ASCENDING), ("conversation_id", ASCENDING)])])
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    await db.messages.insert_many(
        [{"_id": f"m{n}", "tenant_id": "t", "conversation_id": "c", "at": t0 + timedelta(minutes=n)} for n in range(5)]
        + [{"_id": "x", "tenant_id": "t", "conversation_id": "d", "at": t0 + timedelta(hours=1)}]
    )
    found = await db.messages.find({"tenant_id": "t", "conversation_id": "c"}).sort("at", DESCENDING).limit(2).to_list(None)
    assert [d["_id"] for d in found] == ["m4", "m3"]
