"""Every MongoDB form the engine (`bot/`) uses, with the result MongoDB documents for it.

Runs against whatever server the fixtures give: the embedded one by default, a real MongoDB with
`MONGODB_URI` set. A form the embedded server answered wrongly would fail here before it failed a user.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pymongo import ASCENDING, DESCENDING, IndexModel, ReplaceOne, ReturnDocument, UpdateMany
from pymongo.errors import DuplicateKeyError

T0 = datetime(2026, 1, 1, tzinfo=UTC)


async def test_insert_with_string_id_twice_raises_duplicate_key(db):
    await db.messages.insert_one({"_id": "in_1", "tenant_id": "t", "state": "pending"})
    with pytest.raises(DuplicateKeyError):
        await db.messages.insert_one({"_id": "in_1", "tenant_id": "t", "state": "pending"})


async def test_compound_unique_index_refuses_a_second_conversation(db):
    await db.conversations.create_indexes([IndexModel([("platform", 1), ("account_id", 1), ("customer_id", 1)], unique=True)])
    await db.conversations.insert_one({"_id": "c1", "platform": "facebook", "account_id": "p", "customer_id": "u"})
    await db.conversations.insert_one({"_id": "c2", "platform": "instagram", "account_id": "p", "customer_id": "u"})
    with pytest.raises(DuplicateKeyError):
        await db.conversations.insert_one({"_id": "c3", "platform": "facebook", "account_id": "p", "customer_id": "u"})


async def test_find_with_sort_skip_limit(db):
    await db.conversations.insert_many(
        [{"_id": f"c{i}", "tenant_id": "t", "last_message_at": T0 + timedelta(minutes=i)} for i in range(5)]
        + [{"_id": "other", "tenant_id": "u", "last_message_at": T0 + timedelta(days=1)}]
    )
    docs = await db.conversations.find({"tenant_id": "t"}).sort("last_message_at", DESCENDING).skip(1).limit(2).to_list(None)
    assert [d["_id"] for d in docs] == ["c3", "c2"]
    oldest_first = await db.conversations.find({"tenant_id": "t"}).sort("last_message_at", ASCENDING).to_list(None)
    assert [d["_id"] for d in oldest_first] == ["c0", "c1", "c2", "c3", "c4"]


async def test_set_and_unset_through_find_one_and_update_return_the_new_document(db):
    await db.conversations.insert_one({"_id": "c", "tenant_id": "t", "status": "human", "paused_until": T0})
    doc = await db.conversations.find_one_and_update(
        {"_id": "c", "tenant_id": "t"},
        {"$set": {"status": "bot"}, "$unset": {"paused_until": ""}},
        return_document=ReturnDocument.AFTER,
    )
    assert doc["status"] == "bot" and "paused_until" not in doc
    assert await db.conversations.find_one_and_update({"_id": "c", "tenant_id": "other"}, {"$set": {"status": "x"}}) is None


async def test_set_unset_and_max_in_one_update_move_a_time_forward_only(db):
    # A turn's closing write: its campaign and status, and its reply's time unless a newer message is there.
    await db.conversations.insert_one(
        {"_id": "c", "tenant_id": "t", "status": "human", "paused_until_ms": 5, "last_message_at_ms": 1_000}
    )
    await db.conversations.update_one(
        {"_id": "c", "tenant_id": "t"},
        {
            "$set": {"status": "bot", "campaign_id": "camp"},
            "$unset": {"paused_until_ms": ""},
            "$max": {"last_message_at_ms": 3_000},
        },
    )
    await db.conversations.update_one({"_id": "c", "tenant_id": "t"}, {"$max": {"last_message_at_ms": 2_000}})
    doc = await db.conversations.find_one({"_id": "c"})
    assert (doc["status"], doc["campaign_id"], doc["last_message_at_ms"]) == ("bot", "camp", 3_000)
    assert "paused_until_ms" not in doc


async def test_replace_guarded_by_a_revision_lands_only_on_that_revision(db):
    await db.leads.insert_one({"_id": "l", "tenant_id": "t", "stage": "engaged", "revision": 1})
    current = await db.leads.replace_one(
        {"_id": "l", "tenant_id": "t", "revision": 1}, {"_id": "l", "tenant_id": "t", "stage": "converted", "revision": 2}
    )
    stale = await db.leads.replace_one(
        {"_id": "l", "tenant_id": "t", "revision": 1}, {"_id": "l", "tenant_id": "t", "stage": "qualified", "revision": 2}
    )
    assert (current.matched_count, stale.matched_count) == (1, 0)
    assert (await db.leads.find_one({"_id": "l"}))["stage"] == "converted"


async def test_newest_messages_of_a_conversation_with_limit(db):
    await db.messages.insert_many(
        [{"_id": f"m{i}", "tenant_id": "t", "conversation_id": "c", "at": T0 + timedelta(seconds=i)} for i in range(6)]
        + [{"_id": "x", "tenant_id": "t", "conversation_id": "d", "at": T0 + timedelta(days=1)}]
    )
    docs = await db.messages.find({"tenant_id": "t", "conversation_id": "c"}).sort("at", DESCENDING).limit(4).to_list(None)
    assert [d["_id"] for d in docs] == ["m5", "m4", "m3", "m2"]


async def test_conditional_set_moves_a_millisecond_time_forward_only(db):
    # Replaces `$max` on dates, which the embedded server answers wrongly (dates set later become strings).
    await db.conversations.insert_one({"_id": "c", "tenant_id": "t", "last_message_at_ms": 1_000})
    for ms in (500, 3_000, 2_000):
        await db.conversations.update_one(
            {"_id": "c", "tenant_id": "t", "last_message_at_ms": {"$lt": ms}}, {"$set": {"last_message_at_ms": ms}}
        )
    doc = await db.conversations.find_one({"_id": "c"})
    assert doc["last_message_at_ms"] == 3_000


async def test_sort_by_integer_time_descending(db):
    await db.conversations.insert_many(
        [{"_id": str(ms), "tenant_id": "t", "last_message_at_ms": ms} for ms in (5, 50, 7, 1_700_000_000_000)]
    )
    docs = await db.conversations.find({"tenant_id": "t"}).sort("last_message_at_ms", DESCENDING).to_list(None)
    assert [d["last_message_at_ms"] for d in docs] == [1_700_000_000_000, 50, 7, 5]


async def test_update_many_by_string_ids_in_a_tenant(db):
    await db.messages.insert_many(
        [
            {"_id": "a", "tenant_id": "t", "state": "pending"},
            {"_id": "b", "tenant_id": "t", "state": "pending"},
            {"_id": "c", "tenant_id": "u", "state": "pending"},
        ]
    )
    result = await db.messages.update_many(
        {"_id": {"$in": ["a", "c"]}, "tenant_id": "t"}, {"$set": {"state": "answered", "intent": "greeting", "confidence": 0.9}}
    )
    assert result.modified_count == 1
    states = {d["_id"]: d["state"] async for d in db.messages.find({})}
    assert states == {"a": "answered", "b": "pending", "c": "pending"}
    pending_or_held = await db.messages.count_documents({"state": {"$in": ["held", "pending"]}})
    assert pending_or_held == 2


async def test_count_documents_with_a_limit(db):
    await db.messages.insert_many([{"_id": str(i), "conversation_id": "c", "direction": "in"} for i in range(5)])
    assert await db.messages.count_documents({"conversation_id": "c", "direction": "in"}, limit=2) == 2
    assert await db.messages.count_documents({"conversation_id": "c", "direction": "out"}, limit=2) == 0


async def test_upsert_with_set_and_flat_inc_counts_exactly_under_concurrency(db):
    import asyncio

    key = {"_id": "t:2026-01-01:-:facebook:-"}
    update = {
        "$set": {"tenant_id": "t", "day": "2026-01-01", "day_ordinal": 739252, "platform": "facebook"},
        "$inc": {"messages_in": 1, "revenue_cents": 250},
    }
    await db.daily_counters.update_one(key, update, upsert=True)
    await asyncio.gather(*(db.daily_counters.update_one(key, update, upsert=True) for _ in range(30)))
    doc = await db.daily_counters.find_one(key)
    assert doc["messages_in"] == 31 and doc["revenue_cents"] == 31 * 250 and doc["tenant_id"] == "t"


async def test_integer_range_query_on_day_ordinal(db):
    await db.daily_counters.insert_many(
        [{"_id": str(d), "tenant_id": "t", "day_ordinal": d} for d in range(100, 110)]
        + [{"_id": "x", "tenant_id": "u", "day_ordinal": 105}]
    )
    docs = await db.daily_counters.find({"tenant_id": "t", "day_ordinal": {"$gte": 103, "$lte": 105}}).to_list(None)
    assert sorted(d["day_ordinal"] for d in docs) == [103, 104, 105]


async def test_datetime_range_with_in_on_strings(db):
    await db.messages.insert_many(
        [
            {"_id": "1", "conversation_id": "c", "direction": "out", "at": T0, "delivery": "sent"},
            {"_id": "2", "conversation_id": "c", "direction": "out", "at": T0 + timedelta(minutes=5), "delivery": "sent"},
            {"_id": "3", "conversation_id": "c", "direction": "out", "at": T0 - timedelta(minutes=5), "delivery": "read"},
        ]
    )
    await db.messages.update_many(
        {"conversation_id": "c", "direction": "out", "at": {"$lte": T0}, "delivery": {"$in": ["sending", "sent"]}},
        {"$set": {"delivery": "delivered"}},
    )
    assert {d["_id"]: d["delivery"] async for d in db.messages.find({})} == {"1": "delivered", "2": "sent", "3": "read"}


async def test_replace_one_with_upsert_replaces_the_whole_document(db):
    await db.leads.replace_one(
        {"_id": "l", "tenant_id": "t"}, {"_id": "l", "tenant_id": "t", "score": 10, "email": "a@b.c"}, upsert=True
    )
    await db.leads.replace_one(
        {"_id": "l", "tenant_id": "t"}, {"_id": "l", "tenant_id": "t", "score": 40, "score_reasons": ["x", "y"]}, upsert=True
    )
    doc = await db.leads.find_one({"_id": "l"})
    assert doc["score"] == 40 and doc["score_reasons"] == ["x", "y"] and "email" not in doc


async def test_sub_documents_inserted_whole_come_back_as_documents(db):
    await db.messages.insert_one({"_id": "m", "attachments": [{"type": "location", "latitude": 1.5, "longitude": -2.25}]})
    doc = await db.messages.find_one({"_id": "m"})
    assert doc["attachments"] == [{"type": "location", "latitude": 1.5, "longitude": -2.25}]


async def test_a_flag_set_once_with_nin_matches_an_absent_or_false_flag_and_not_a_set_one(db):
    # Counting "the customer wrote back" once per conversation rests on this conditional update.
    await db.conversations.insert_many([{"_id": "absent", "tenant_id": "t"}, {"_id": "false", "tenant_id": "t", "flag": False}])
    first = [
        await db.conversations.update_one({"_id": key, "tenant_id": "t", "flag": {"$nin": [True]}}, {"$set": {"flag": True}})
        for key in ("absent", "false")
    ]
    again = await db.conversations.update_one(
        {"_id": "absent", "tenant_id": "t", "flag": {"$nin": [True]}}, {"$set": {"flag": True}}
    )
    assert [r.modified_count for r in first] == [1, 1] and again.modified_count == 0
    assert {d["_id"]: d["flag"] for d in await db.conversations.find({"tenant_id": "t"}).to_list(None)} == {
        "absent": True,
        "false": True,
    }


async def test_delete_many_before_a_time_deletes_exactly_the_older_documents(db):
    await db.messages.insert_many(
        [
            {"_id": f"m{i}", "tenant_id": "t" if i % 2 else "u", "conversation_id": "c", "at": T0 + timedelta(days=i)}
            for i in range(6)
        ]
    )
    result = await db.messages.delete_many({"at": {"$lt": T0 + timedelta(days=3)}})
    assert result.deleted_count == 3
    assert sorted(d["_id"] for d in await db.messages.find({}).to_list(None)) == ["m3", "m4", "m5"]


async def test_set_with_max_keeps_the_larger_count_and_max_alone_raises_it(db):
    # A reply whose send went unanswered: its fields set again, the parts Meta confirmed never lowered.
    await db.messages.insert_one({"_id": "out_t", "tenant_id": "t", "delivery": "sent", "parts_confirmed": 2})
    for _ in range(2):
        await db.messages.update_one(
            {"_id": "out_t", "tenant_id": "t"},
            {
                "$set": {"delivery": "unknown", "awaiting_part": 1},
                "$max": {"parts_confirmed": 1},
                "$inc": {"unanswered_sends": 1},
            },
        )
    doc = await db.messages.find_one({"_id": "out_t"})
    assert (doc["delivery"], doc["awaiting_part"], doc["parts_confirmed"], doc["unanswered_sends"]) == ("unknown", 1, 2, 2)
    await db.messages.update_one({"_id": "out_t", "tenant_id": "t"}, {"$max": {"parts_confirmed": 3}})
    await db.messages.update_one({"_id": "out_t", "tenant_id": "t"}, {"$max": {"parts_confirmed": 1}})
    assert (await db.messages.find_one({"_id": "out_t"}))["parts_confirmed"] == 3
    await db.messages.insert_one({"_id": "out_u", "tenant_id": "t", "delivery": "unknown"})
    await db.messages.update_one({"_id": "out_u", "tenant_id": "t"}, {"$max": {"parts_confirmed": 1}})  # absent: set
    assert (await db.messages.find_one({"_id": "out_u"}))["parts_confirmed"] == 1


async def test_a_stored_clip_is_its_tenants_alone_and_goes_with_retention(db):
    from bot.conversations.voice_clips import PIECE_BYTES, delete_clips_before, get_clip, save_clip

    audio = b"OggS" + bytes(range(256)) * (PIECE_BYTES // 256) + b"tail"  # more than one piece
    await save_clip(db, "t", "c1", "clip_a", audio, "audio/ogg", now=T0)
    await save_clip(db, "t", "c1", "clip_b", b"short", "audio/ogg", now=T0 + timedelta(days=10))
    clip = await get_clip(db, "t", "clip_a")
    assert clip is not None and clip.data == audio and clip.mime_type == "audio/ogg" and clip.conversation_id == "c1"
    assert await get_clip(db, "other", "clip_a") is None
    assert await delete_clips_before(db, T0 + timedelta(days=1)) == 1
    assert await get_clip(db, "t", "clip_a") is None and await db.voice_clip_pieces.count_documents({"clip_id": "clip_a"}) == 0
    assert (await get_clip(db, "t", "clip_b")) is not None


async def test_a_replace_with_upsert_and_update_many_in_one_ordered_bulk_write(db):
    """A turn's reply record and its messages' states in one command; the later update sees the earlier one."""
    await db.messages.insert_many(
        [{"_id": f"in_{i}", "tenant_id": "t", "state": "pending", "text": f"q{i}"} for i in range(3)]
        + [{"_id": "in_x", "tenant_id": "u", "state": "pending"}]
    )
    reply = {"_id": "out_1", "tenant_id": "t", "direction": "out", "text": "hello", "at": T0}
    result = await db.messages.bulk_write(
        [
            ReplaceOne({"_id": "out_1", "tenant_id": "t"}, reply, upsert=True),
            UpdateMany({"_id": {"$in": ["in_0", "in_1", "in_2", "in_x"]}, "tenant_id": "t"}, {"$set": {"state": "answered"}}),
            UpdateMany({"_id": {"$in": ["in_2"]}, "tenant_id": "t"}, {"$set": {"state": "held", "intent": "other"}}),
        ],
        ordered=True,
    )
    assert result.upserted_count == 1 and result.modified_count == 4
    states = {d["_id"]: d["state"] for d in await db.messages.find({"_id": {"$nin": ["out_1"]}}).to_list(None)}
    assert states == {"in_0": "answered", "in_1": "answered", "in_2": "held", "in_x": "pending"}
    assert await db.messages.find_one({"_id": "out_1"}) == reply
    # Written again over itself (a retried turn): the record is replaced, not doubled.
    again = await db.messages.bulk_write([ReplaceOne({"_id": "out_1", "tenant_id": "t"}, {**reply, "text": "hi"}, upsert=True)])
    assert again.upserted_count == 0 and again.matched_count == 1
    assert await db.messages.count_documents({"direction": "out"}) == 1
