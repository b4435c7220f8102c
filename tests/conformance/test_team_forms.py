"""The MongoDB forms the team uses (`dashboard/team/`), with the results MongoDB documents for them."""

from __future__ import annotations

import asyncio


async def test_an_invitation_is_taken_once_and_only_in_date(db):
    await db.team_invites.insert_many(
        [
            {"_id": "i1", "tenant_id": "t", "state": "open", "expires_at_ms": 2_000},
            {"_id": "i2", "tenant_id": "t", "state": "open", "expires_at_ms": 1_000},
        ]
    )

    async def take(invite_id: str, now_ms: int) -> int:
        result = await db.team_invites.update_one(
            {"_id": invite_id, "tenant_id": "t", "state": "open", "expires_at_ms": {"$gt": now_ms}},
            {"$set": {"state": "used", "used_at_ms": now_ms, "member_id": f"m{now_ms}"}},
        )
        return result.modified_count

    assert sorted(await asyncio.gather(*(take("i1", 1_500) for _ in range(10)))) == [0] * 9 + [1]
    assert await take("i2", 1_000) == 0  # its date is exclusive
    assert (await db.team_invites.find_one({"_id": "i2"}))["state"] == "open"
    # Given back: open again, the use's fields gone.
    await db.team_invites.update_one(
        {"_id": "i1", "tenant_id": "t", "state": "used"},
        {"$set": {"state": "open"}, "$unset": {"used_at_ms": "", "member_id": ""}},
    )
    assert await db.team_invites.find_one({"_id": "i1"}) == {
        "_id": "i1",
        "tenant_id": "t",
        "state": "open",
        "expires_at_ms": 2_000,
    }


async def test_a_newer_invitation_cancels_the_open_ones_to_that_email_only(db):
    await db.team_invites.insert_many(
        [
            {"_id": "a", "tenant_id": "t", "email": "sam@example.com", "state": "open", "created_at_ms": 1},
            {"_id": "b", "tenant_id": "t", "email": "sam@example.com", "state": "used", "created_at_ms": 2},
            {"_id": "c", "tenant_id": "t", "email": "pat@example.com", "state": "open", "created_at_ms": 3},
            {"_id": "d", "tenant_id": "u", "email": "sam@example.com", "state": "open", "created_at_ms": 4},
        ]
    )
    await db.team_invites.update_many(
        {"tenant_id": "t", "email": "sam@example.com", "state": "open"}, {"$set": {"state": "cancelled"}}
    )
    states = {doc["_id"]: doc["state"] async for doc in db.team_invites.find({})}
    assert states == {"a": "cancelled", "b": "used", "c": "open", "d": "open"}
    newest = [doc["_id"] async for doc in db.team_invites.find({"tenant_id": "t", "state": "open"}).sort("created_at_ms", -1)]
    assert newest == ["c"]


async def test_removing_an_agent_never_removes_the_owner_who_has_no_role(db):
    await db.owners.insert_many(
        [
            {"_id": "o", "tenant_id": "t", "email": "ann@example.com"},
            {"_id": "a", "tenant_id": "t", "email": "sam@example.com", "role": "agent"},
        ]
    )
    assert (await db.owners.delete_one({"_id": "o", "tenant_id": "t", "role": "agent"})).deleted_count == 0
    assert (await db.owners.delete_one({"_id": "a", "tenant_id": "u", "role": "agent"})).deleted_count == 0
    assert (await db.owners.delete_one({"_id": "a", "tenant_id": "t", "role": "agent"})).deleted_count == 1
    # The owner alone, as the alert emails ask: an absent role is not "agent".
    assert [d["_id"] async for d in db.owners.find({"tenant_id": "t", "role": {"$nin": ["agent"]}})] == ["o"]


async def test_a_conversations_actions_oldest_first(db):
    await db.team_actions.insert_many(
        [
            {"_id": "2", "tenant_id": "t", "conversation_id": "c", "action": "reply", "at_ms": 20, "message_id": "m"},
            {"_id": "1", "tenant_id": "t", "conversation_id": "c", "action": "takeover", "at_ms": 10},
            {"_id": "3", "tenant_id": "t", "conversation_id": "other", "action": "release", "at_ms": 5},
        ]
    )
    found = [d["action"] async for d in db.team_actions.find({"tenant_id": "t", "conversation_id": "c"}).sort("at_ms", 1)]
    assert found == ["takeover", "reply"]
