"""The MongoDB forms the owner side (`dashboard/`) uses, with the results MongoDB documents for them."""

from __future__ import annotations

from datetime import UTC

import pytest
from pymongo import IndexModel
from pymongo.errors import DuplicateKeyError


async def test_unique_email_refuses_a_second_owner(db):
    await db.owners.create_indexes([IndexModel([("email", 1)], unique=True)])
    await db.owners.insert_one({"_id": "o1", "email": "ana@example.com", "tenant_id": "t1"})
    with pytest.raises(DuplicateKeyError):
        await db.owners.insert_one({"_id": "o2", "email": "ana@example.com", "tenant_id": "t2"})
    assert await db.owners.count_documents({}) == 1


async def test_top_level_projection_returns_only_the_named_fields(db):
    await db.facebook_deletions.insert_one({"_id": "c", "status": "done", "accounts_removed": 2, "tenant_ids": ["a", "b"]})
    doc = await db.facebook_deletions.find_one({"_id": "c"}, {"status": 1, "accounts_removed": 1})
    assert doc == {"_id": "c", "status": "done", "accounts_removed": 2}
    ids = [d["_id"] async for d in db.tenants.find({"facebook_user_id": "nobody"}, {"_id": 1})]
    assert ids == []


async def test_set_then_unset_a_field(db):
    await db.tenants.insert_one({"_id": "t", "tenant_id": "t", "name": "Shop"})
    await db.tenants.update_one({"_id": "t", "tenant_id": "t"}, {"$set": {"facebook_user_id": "fb1"}})
    assert [d["_id"] async for d in db.tenants.find({"facebook_user_id": "fb1"}, {"_id": 1})] == ["t"]
    await db.tenants.update_one({"_id": "t", "tenant_id": "t"}, {"$unset": {"facebook_user_id": ""}})
    assert await db.tenants.find_one({"_id": "t"}) == {"_id": "t", "tenant_id": "t", "name": "Shop"}


async def test_replace_one_of_an_existing_document_keeps_its_id(db):
    await db.facebook_links.insert_one({"_id": "l", "tenant_id": "t", "page_id": "1", "channel_id": "c1"})
    await db.facebook_links.replace_one(
        {"_id": "l", "tenant_id": "t"}, {"_id": "l", "tenant_id": "t", "page_id": "1", "channel_id": "c2"}
    )
    assert await db.facebook_links.find_one({"tenant_id": "t", "channel_id": "c2"}) == {
        "_id": "l",
        "tenant_id": "t",
        "page_id": "1",
        "channel_id": "c2",
    }
    assert await db.facebook_links.count_documents({}) == 1


async def test_delete_one_scoped_by_tenant_leaves_other_tenants_alone(db):
    await db.api_tokens.insert_many([{"_id": "h1", "tenant_id": "a"}, {"_id": "h2", "tenant_id": "b"}])
    await db.api_tokens.delete_one({"_id": "h2", "tenant_id": "a"})
    await db.api_tokens.delete_one({"_id": "h1", "tenant_id": "a"})
    assert [d["_id"] async for d in db.api_tokens.find({})] == ["h2"]


async def test_datetime_range_with_string_filters_and_a_top_level_projection(db):
    from datetime import datetime, timedelta

    start = datetime(2026, 3, 9, 5, tzinfo=UTC)
    await db.leads.insert_many(
        [
            {
                "_id": "before",
                "tenant_id": "t",
                "stage": "new",
                "platform": "facebook",
                "created_at": start - timedelta(milliseconds=1),
            },
            {
                "_id": "first",
                "tenant_id": "t",
                "stage": "engaged",
                "platform": "facebook",
                "campaign_id": "c1",
                "created_at": start,
            },
            {
                "_id": "inside",
                "tenant_id": "t",
                "stage": "converted",
                "platform": "whatsapp",
                "created_at": start + timedelta(hours=23),
            },
            {"_id": "end", "tenant_id": "t", "stage": "lost", "platform": "facebook", "created_at": start + timedelta(days=1)},
            {"_id": "other", "tenant_id": "u", "stage": "new", "platform": "facebook", "created_at": start},
        ]
    )
    window = {"$gte": start, "$lt": start + timedelta(days=1)}
    found = [d async for d in db.leads.find({"tenant_id": "t", "created_at": window}, {"stage": 1}).sort("_id", 1)]
    assert found == [{"_id": "first", "stage": "engaged"}, {"_id": "inside", "stage": "converted"}]
    only = [
        d["_id"]
        async for d in db.leads.find(
            {"tenant_id": "t", "created_at": window, "platform": "facebook", "campaign_id": "c1"}, {"stage": 1}
        )
    ]
    assert only == ["first"]


async def test_delete_many_of_an_owner_but_one_token(db):
    await db.api_tokens.insert_many(
        [
            {"_id": "h1", "tenant_id": "a", "owner_id": "o"},
            {"_id": "h2", "tenant_id": "a", "owner_id": "o"},
            {"_id": "h3", "tenant_id": "a", "owner_id": "o"},
            {"_id": "h4", "tenant_id": "b", "owner_id": "p"},
        ]
    )
    result = await db.api_tokens.delete_many({"tenant_id": "a", "owner_id": "o", "_id": {"$nin": ["h2"]}})
    assert result.deleted_count == 2
    assert sorted([d["_id"] async for d in db.api_tokens.find({})]) == ["h2", "h4"]


async def test_count_by_three_string_fields_and_newest_first_with_id_tiebreak(db):
    from datetime import UTC, datetime, timedelta

    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    await db.api_tokens.insert_many(
        [
            {"_id": "b", "tenant_id": "a", "owner_id": "o", "kind": "named", "created_at": t0},
            {"_id": "a", "tenant_id": "a", "owner_id": "o", "kind": "named", "created_at": t0},
            {"_id": "c", "tenant_id": "a", "owner_id": "o", "kind": "login", "created_at": t0 + timedelta(seconds=1)},
        ]
    )
    assert await db.api_tokens.count_documents({"tenant_id": "a", "owner_id": "o", "kind": "named"}) == 2
    ordered = [
        d["_id"] async for d in db.api_tokens.find({"tenant_id": "a", "owner_id": "o"}).sort([("created_at", -1), ("_id", 1)])
    ]
    assert ordered == ["c", "a", "b"]


async def test_set_integer_milliseconds_reads_back_as_int(db):
    await db.api_tokens.insert_one({"_id": "h", "tenant_id": "a", "expires_at_ms": 5})
    await db.api_tokens.update_one(
        {"_id": "h", "tenant_id": "a"}, {"$set": {"last_used_at_ms": 1_767_225_600_123, "expires_at_ms": 1_769_817_600_123}}
    )
    doc = await db.api_tokens.find_one({"_id": "h"})
    assert doc["last_used_at_ms"] == 1_767_225_600_123 and isinstance(doc["last_used_at_ms"], int)
    assert doc["expires_at_ms"] == 1_769_817_600_123


async def test_delete_many_by_tenant_leaves_other_tenants(db):
    await db.messages.insert_many([{"_id": str(n), "tenant_id": "a" if n % 2 else "b"} for n in range(6)])
    assert (await db.messages.delete_many({"tenant_id": "a"})).deleted_count == 3
    assert sorted([d["_id"] async for d in db.messages.find({})]) == ["0", "2", "4"]


async def test_pull_a_tenant_from_lists_that_hold_it(db):
    await db.facebook_deletions.insert_many(
        [
            {"_id": "c1", "tenant_id": "", "tenant_ids": ["a", "b"]},
            {"_id": "c2", "tenant_id": "a", "tenant_ids": ["a"]},
            {"_id": "c3", "tenant_id": "b", "tenant_ids": ["b"]},
        ]
    )
    await db.facebook_deletions.update_many({"tenant_ids": "a"}, {"$pull": {"tenant_ids": "a"}})
    await db.facebook_deletions.update_many({"tenant_id": "a"}, {"$set": {"tenant_id": ""}})
    docs = {d["_id"]: d async for d in db.facebook_deletions.find({})}
    assert docs["c1"]["tenant_ids"] == ["b"] and docs["c2"] == {"_id": "c2", "tenant_id": "", "tenant_ids": []}
    assert docs["c3"]["tenant_ids"] == ["b"] and docs["c3"]["tenant_id"] == "b"
