"""The MongoDB query and update forms knowledge/ uses, each checked against MongoDB's documented result
on whatever server the fixtures give (the embedded one, or MONGODB_URI)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pymongo import ASCENDING, IndexModel


async def test_create_indexes_twice_keeps_one_index_per_key_pattern(db):
    models = [
        IndexModel([("tenant_id", ASCENDING), ("document_id", ASCENDING), ("ordinal", ASCENDING)]),
        IndexModel([("tenant_id", ASCENDING), ("created_at", ASCENDING)]),
    ]
    await db.forms.create_indexes(models)
    await db.forms.create_indexes(models)
    keys = sorted(tuple(tuple(k) for k in index["key"]) for index in (await db.forms.index_information()).values())
    assert keys == sorted(
        [
            (("_id", 1),),
            (("tenant_id", 1), ("document_id", 1), ("ordinal", 1)),
            (("tenant_id", 1), ("created_at", 1)),
        ]
    )


async def test_upsert_inc_and_set_on_flat_fields(db):
    update = {"$inc": {"version": 1}, "$set": {"tenant_id": "t1"}}
    first = await db.forms.update_one({"_id": "t1"}, update, upsert=True)
    assert first.upserted_id == "t1"
    second = await db.forms.update_one({"_id": "t1"}, update, upsert=True)
    assert second.matched_count == 1 and second.upserted_id is None
    assert await db.forms.find_one({"_id": "t1"}) == {"_id": "t1", "version": 2, "tenant_id": "t1"}
    assert await db.forms.find_one({"_id": "t1"}, {"version": 1}) == {"_id": "t1", "version": 2}
    assert await db.forms.find_one({"_id": "t2"}, {"version": 1}) is None


async def test_upsert_set_by_id_inserts_with_that_id_then_overwrites(db):
    await db.forms.update_one({"_id": "t1"}, {"$set": {"tenant_id": "t1", "name": "A", "goals": "x"}}, upsert=True)
    await db.forms.update_one({"_id": "t1"}, {"$set": {"tenant_id": "t1", "name": "B", "goals": ""}}, upsert=True)
    assert await db.forms.find_one({"_id": "t1"}) == {"_id": "t1", "tenant_id": "t1", "name": "B", "goals": ""}
    assert await db.forms.count_documents({}) == 1


async def test_nested_documents_and_string_arrays_round_trip(db):
    doc = {
        "_id": "c1",
        "tenant_id": "t1",
        "product": {"name": "Serum", "price_cents": 4990, "currency": "EUR", "features": ["a", "b"], "cta_url": "https://x/"},
        "chat_flow": {"objections": ["Is it worth $49?", "Too much."], "objection_answers": ["Yes.", "No."]},
    }
    await db.forms.insert_one(doc)
    assert await db.forms.find_one({"_id": "c1", "tenant_id": "t1"}) == doc
    assert await db.forms.find_one({"_id": "c1", "tenant_id": "t2"}) is None


async def test_status_and_in_filter_with_two_key_sort(db):
    base = datetime(2025, 1, 1, tzinfo=UTC)
    rows = [
        ("a", "t1", "active", "facebook", 2),
        ("b", "t1", "active", "all", 1),
        ("c", "t1", "draft", "all", 0),
        ("d", "t1", "active", "instagram", 0),
        ("e", "t2", "active", "all", 0),
        ("f", "t1", "active", "all", 1),
    ]
    await db.forms.insert_many(
        [
            {"_id": i, "tenant_id": t, "status": s, "target_platform": p, "created_at": base + timedelta(minutes=m)}
            for i, t, s, p, m in rows
        ]
    )
    query = {"tenant_id": "t1", "status": "active", "target_platform": {"$in": ["facebook", "all"]}}
    found = [d["_id"] async for d in db.forms.find(query).sort([("created_at", 1), ("_id", 1)])]
    assert found == ["b", "f", "a"]
    newest = [d["_id"] async for d in db.forms.find({"tenant_id": "t1"}).sort([("created_at", -1), ("_id", 1)])]
    assert newest == ["a", "b", "f", "c", "d"]
    exact = [d["_id"] async for d in db.forms.find({"tenant_id": "t1", "target_platform": "all"}).sort([("_id", 1)])]
    assert exact == ["b", "c", "f"]


async def test_replace_one_by_id_and_tenant(db):
    await db.forms.insert_one({"_id": "c1", "tenant_id": "t1", "name": "Old", "extra": {"cta_url": "https://x/"}})
    missed = await db.forms.replace_one({"_id": "c1", "tenant_id": "t2"}, {"tenant_id": "t2", "name": "Stolen"})
    assert missed.matched_count == 0
    hit = await db.forms.replace_one({"_id": "c1", "tenant_id": "t1"}, {"_id": "c1", "tenant_id": "t1", "name": "New"})
    assert hit.matched_count == 1
    assert await db.forms.find_one({"_id": "c1"}) == {"_id": "c1", "tenant_id": "t1", "name": "New"}


async def test_delete_one_and_delete_many_are_scoped_by_their_filter(db):
    await db.forms.insert_many(
        [{"_id": f"k{i}", "tenant_id": "t1", "document_id": "d1" if i < 3 else "d2", "ordinal": i} for i in range(5)]
    )
    assert (await db.forms.delete_one({"_id": "k0", "tenant_id": "t2"})).deleted_count == 0
    assert (await db.forms.delete_many({"tenant_id": "t1", "document_id": "d1"})).deleted_count == 3
    assert await db.forms.count_documents({"tenant_id": "t1"}) == 2
    assert (await db.forms.delete_one({"_id": "k3", "tenant_id": "t1"})).deleted_count == 1


async def test_unordered_insert_many_then_projected_sorted_find(db):
    chunks = [
        {
            "_id": f"{d}{o}",
            "tenant_id": "t1",
            "document_id": d,
            "source": f"document:{d}",
            "title": "f.txt",
            "text": f"{d} part {o}",
            "ordinal": o,
        }
        for d in ("db", "da")
        for o in (1, 0)
    ]
    await db.forms.insert_many(chunks, ordered=False)
    cursor = db.forms.find({"tenant_id": "t1"}, {"text": 1, "source": 1, "title": 1}).sort([("document_id", 1), ("ordinal", 1)])
    rows = [d async for d in cursor]
    assert [r["text"] for r in rows] == ["da part 0", "da part 1", "db part 0", "db part 1"]
    assert all(set(r) == {"_id", "text", "source", "title"} for r in rows)


async def test_datetimes_round_trip_at_millisecond_precision(db):
    moment = datetime(2025, 6, 1, 12, 30, 15, 123000, tzinfo=UTC)
    await db.forms.insert_one({"_id": "x", "tenant_id": "t1", "created_at": moment})
    stored = (await db.forms.find_one({"_id": "x"}, {"created_at": 1}))["created_at"]
    assert stored.replace(tzinfo=UTC) == moment
