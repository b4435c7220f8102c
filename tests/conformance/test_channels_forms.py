"""The MongoDB forms `channels/accounts.py` uses, with the results MongoDB documents.

Run against a real server too: `MONGODB_URI=mongodb://… python -m pytest tests/conformance`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

T0 = datetime(2025, 3, 1, 12, 0, 0, 123000, tzinfo=UTC)


@pytest.fixture
async def coll(db):
    collection = db["channel_accounts_forms"]
    await collection.create_indexes(
        [
            IndexModel([("platform", ASCENDING), ("account_id", ASCENDING)], unique=True, name="platform_account_unique"),
            IndexModel([("tenant_id", ASCENDING), ("connected_at", ASCENDING)], name="tenant_connected"),
        ]
    )
    return collection


def account(_id: str, tenant: str, platform: str, account_id: str, at: datetime = T0) -> dict:
    return {
        "_id": _id,
        "tenant_id": tenant,
        "platform": platform,
        "account_id": account_id,
        "token_encrypted": "gAAAA" + _id,
        "status": "connected",
        "name": "",
        "connected_at": at,
        "updated_at": at,
    }


async def test_create_indexes_twice_is_fine(coll):
    await coll.create_indexes(
        [
            IndexModel([("platform", ASCENDING), ("account_id", ASCENDING)], unique=True, name="platform_account_unique"),
            IndexModel([("tenant_id", ASCENDING), ("connected_at", ASCENDING)], name="tenant_connected"),
        ]
    )


async def test_compound_unique_index_refuses_a_second_pair_with_11000(coll):
    await coll.insert_one(account("a", "t1", "facebook", "123"))
    await coll.insert_one(account("b", "t1", "instagram", "123"))  # other platform: allowed
    await coll.insert_one(account("c", "t2", "facebook", "1234"))  # other id: allowed
    with pytest.raises(DuplicateKeyError) as caught:
        await coll.insert_one(account("d", "t2", "facebook", "123"))
    assert caught.value.code == 11000
    assert await coll.count_documents({"tenant_id": "t2"}) == 1


async def test_find_one_by_two_string_fields(coll):
    await coll.insert_many([account("a", "t1", "facebook", "123"), account("b", "t2", "whatsapp", "123")])
    found = await coll.find_one({"platform": "whatsapp", "account_id": "123"})
    assert found["_id"] == "b" and found["tenant_id"] == "t2"
    assert await coll.find_one({"platform": "instagram", "account_id": "123"}) is None
    # String ids never match numbers.
    assert await coll.find_one({"platform": "facebook", "account_id": 123}) is None


async def test_find_one_by_id_and_tenant(coll):
    await coll.insert_one(account("a", "t1", "facebook", "123"))
    assert (await coll.find_one({"_id": "a", "tenant_id": "t1"}))["account_id"] == "123"
    assert await coll.find_one({"_id": "a", "tenant_id": "t2"}) is None


async def test_set_unset_and_current_date_in_one_update(coll):
    doc = account("a", "t1", "facebook", "123")
    doc.update(status="needs_reconnect", last_error="expired", last_error_code=190)
    await coll.insert_one(doc)
    before = datetime.now(UTC) - timedelta(seconds=1)
    result = await coll.update_one(
        {"_id": "a", "tenant_id": "t1"},
        {
            "$set": {"status": "connected", "token_encrypted": "gAAAAnew"},
            "$unset": {"last_error": "", "last_error_code": ""},
            "$currentDate": {"connected_at": True, "updated_at": True},
        },
    )
    assert (result.matched_count, result.modified_count) == (1, 1)
    stored = await coll.find_one({"_id": "a"})
    assert stored["status"] == "connected" and stored["token_encrypted"] == "gAAAAnew"
    assert "last_error" not in stored and "last_error_code" not in stored
    assert isinstance(stored["updated_at"], datetime) and stored["updated_at"] >= before
    assert isinstance(stored["connected_at"], datetime) and stored["connected_at"] >= before
    assert stored["name"] == "" and stored["platform"] == "facebook"  # untouched fields stay


async def test_set_int_field_reads_back_as_int_and_other_tenant_matches_nothing(coll):
    await coll.insert_one(account("a", "t1", "facebook", "123"))
    miss = await coll.update_one({"_id": "a", "tenant_id": "t2"}, {"$set": {"status": "needs_reconnect"}})
    assert miss.matched_count == 0
    hit = await coll.update_one(
        {"_id": "a", "tenant_id": "t1"},
        {"$set": {"status": "needs_reconnect", "last_error_code": 190, "last_error": "x"}, "$currentDate": {"updated_at": True}},
    )
    assert hit.matched_count == 1
    stored = await coll.find_one({"_id": "a"})
    assert stored["last_error_code"] == 190 and type(stored["last_error_code"]) is int
    assert stored["status"] == "needs_reconnect"
    assert isinstance(stored["updated_at"], datetime) and stored["updated_at"] > T0


async def test_find_by_tenant_sorted_by_datetime_then_id(coll):
    await coll.insert_many(
        [
            account("z", "t1", "facebook", "3", T0 + timedelta(minutes=2)),
            account("b", "t1", "facebook", "2", T0),
            account("a", "t1", "facebook", "1", T0),
            account("x", "t2", "facebook", "4", T0 - timedelta(days=1)),
        ]
    )
    cursor = coll.find({"tenant_id": "t1"}).sort([("connected_at", ASCENDING), ("_id", ASCENDING)])
    assert [doc["_id"] async for doc in cursor] == ["a", "b", "z"]


async def test_datetimes_round_trip_as_utc_milliseconds(coll):
    await coll.insert_one(account("a", "t1", "facebook", "123", T0))
    stored = await coll.find_one({"_id": "a"})
    assert stored["connected_at"] == T0
    assert stored["connected_at"].utcoffset() == timedelta(0)


async def test_delete_one_scoped_by_tenant(coll):
    await coll.insert_one(account("a", "t1", "facebook", "123"))
    assert (await coll.delete_one({"_id": "a", "tenant_id": "t2"})).deleted_count == 0
    assert (await coll.delete_one({"_id": "a", "tenant_id": "t1"})).deleted_count == 1
    assert (await coll.delete_one({"_id": "a", "tenant_id": "t1"})).deleted_count == 0
    # After the delete the pair is free again.
    await coll.insert_one(account("b", "t2", "facebook", "123"))
    assert await coll.count_documents({"platform": "facebook", "account_id": "123"}) == 1


async def test_every_tenants_connected_accounts_in_id_order(coll):
    # The scheduled token check reads all tenants' connected accounts.
    await coll.insert_many(
        [account("c", "t2", "facebook", "3"), account("a", "t1", "whatsapp", "1"), account("b", "t1", "facebook", "2")]
    )
    await coll.update_one({"_id": "b"}, {"$set": {"status": "needs_reconnect"}})
    cursor = coll.find({"status": "connected"}).sort("_id", ASCENDING)
    assert [doc["_id"] async for doc in cursor] == ["a", "c"]
