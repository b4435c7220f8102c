"""The MongoDB forms the owner side (`dashboard/`) uses, with the results MongoDB documents for them."""

from __future__ import annotations

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
    await db.facebook_links.replace_one({"_id": "l", "tenant_id": "t"}, {"_id": "l", "tenant_id": "t", "page_id": "1", "channel_id": "c2"})
    assert await db.facebook_links.find_one({"tenant_id": "t", "channel_id": "c2"}) == {"_id": "l", "tenant_id": "t", "page_id": "1", "channel_id": "c2"}
    assert await db.facebook_links.count_documents({}) == 1


async def test_delete_one_scoped_by_tenant_leaves_other_tenants_alone(db):
    await db.api_tokens.insert_many([{"_id": "h1", "tenant_id": "a"}, {"_id": "h2", "tenant_id": "b"}])
    await db.api_tokens.delete_one({"_id": "h2", "tenant_id": "a"})
    await db.api_tokens.delete_one({"_id": "h1", "tenant_id": "a"})
    assert [d["_id"] async for d in db.api_tokens.find({})] == ["h2"]


async def test_datetime_range_with_string_filters_and_a_top_level_projection(db):
    from datetime import datetime, timedelta, timezone

    start = datetime(2026, 3, 9, 5, tzinfo=timezone.utc)
    await db.leads.insert_many([
        {"_id": "before", "tenant_id": "t", "stage": "new", "platform": "facebook", "created_at": start - timedelta(milliseconds=1)},
        {"_id": "first", "tenant_id": "t", "stage": "engaged", "platform": "facebook", "campaign_id": "c1", "created_at": start},
        {"_id": "inside", "tenant_id": "t", "stage": "converted", "platform": "whatsapp", "created_at": start + timedelta(hours=23)},
        {"_id": "end", "tenant_id": "t", "stage": "lost", "platform": "facebook", "created_at": start + timedelta(days=1)},
        {"_id": "other", "tenant_id": "u", "stage": "new", "platform": "facebook", "created_at": start},
    ])
    window = {"$gte": start, "$lt": start + timedelta(days=1)}
    found = [d async for d in db.leads.find({"tenant_id": "t", "created_at": window}, {"stage": 1}).sort("_id", 1)]
    assert found == [{"_id": "first", "stage": "engaged"}, {"_id": "inside", "stage": "converted"}]
    only = [d["_id"] async for d in db.leads.find({"tenant_id": "t", "created_at": window, "platform": "facebook", "campaign_id": "c1"}, {"stage": 1})]
    assert only == ["first"]
