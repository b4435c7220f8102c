"""Nothing of a deleted account is left: a business with every kind of record is deleted, then every document of
every database and every Redis key and value is read for the business's id, its owner's id and email, and a
customer's name. Another business's records, and its part of a shared queue, stay."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import redis.asyncio as aioredis
from aiohttp.test_utils import TestClient
from pymongo import AsyncMongoClient

from bot.conversations import messages as msgs
from bot.conversations import store as convs
from bot.inbound.stream import DEADLETTER, STREAM
from bot.inbound.worker import Worker
from bot.runtime.host import ENGINE, INBOUND
from dashboard.redis_erasure import BusinessMarks, names_business, without_accounts
from tests.dashboard.conftest import platform_of, sign_up
from tests.dashboard.test_accounts import give_a_business_data
from tests.dashboard.test_facebook import FakeGraph, fb_api, finish_login, graph, start_login  # noqa: F401  (fixtures)
from tests.dashboard.test_session_end import log_in, open_stream
from tests.e2e.conftest import messenger_text, signed

CUSTOMER = "Zebulon Quartermaine"  # a name no other record carries by chance
SYSTEM_DATABASES = {"admin", "config", "local"}


async def whole_database(client: AsyncMongoClient) -> dict[str, str]:
    """Every document of every database on the server, as text, by `database.collection/_id`."""
    found: dict[str, str] = {}
    for name in await client.list_database_names():
        if name in SYSTEM_DATABASES:
            continue
        db = client[name]
        for collection in await db.list_collection_names():
            async for doc in db[collection].find({}):
                found[f"{name}.{collection}/{doc.get('_id')}"] = json.dumps(doc, default=str, ensure_ascii=False)
    return found


async def whole_redis(redis: aioredis.Redis) -> dict[str, str]:
    """Every key and what it holds, whatever its type, as text."""
    found: dict[str, str] = {}
    async for key in redis.scan_iter(count=1000):
        kind = await redis.type(key)
        value: Any
        if kind == "string":
            value = await redis.get(key)
        elif kind == "hash":
            value = await redis.hgetall(key)
        elif kind == "list":
            value = await redis.lrange(key, 0, -1)
        elif kind == "set":
            value = sorted(await redis.smembers(key))
        elif kind == "zset":
            value = await redis.zrange(key, 0, -1, withscores=True)
        elif kind == "stream":
            value = await redis.xrange(key)
        else:
            value = f"<{kind!s}>"
        name = key if isinstance(key, str) else key.decode()
        found[name] = f"{name} {json.dumps(value, default=str, ensure_ascii=False)}"
    return found


def mentions(texts: dict[str, str], needles: dict[str, str]) -> list[str]:
    return [f"{where} holds the {what}" for where, text in texts.items() for what, needle in needles.items() if needle in text]


async def post_webhook(api: TestClient, body: dict[str, Any]) -> None:
    raw, headers = signed(body)
    assert (await api.post("/webhooks/messenger", data=raw, headers=headers)).status == 200


def two_pages(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """One delivery carrying events of two pages (of two businesses), as Meta batches them."""
    return {**first, "entry": first["entry"] + second["entry"]}


async def process_queue(api: TestClient) -> None:
    """A worker takes every pending delivery, as one would after the deletion."""
    app = api.app
    worker = Worker(app[INBOUND], app[ENGINE].dispatcher, platform_of(api).metrics, name="after", gate=app[ENGINE].gate)
    running = asyncio.create_task(worker.run())
    redis = platform_of(api).redis
    for _ in range(300):
        if await redis.xlen(STREAM) == 0:
            break
        await asyncio.sleep(0.1)
    await worker.stop()
    await running
    assert await redis.xlen(STREAM) == 0, "the worker left deliveries waiting"


@pytest.mark.usefixtures("graph")
async def test_a_deleted_account_leaves_nothing_in_the_database_or_redis(fb_api: TestClient) -> None:  # noqa: F811
    api = fb_api
    owner = await sign_up(api, "erase-me@example.com")
    rival = await sign_up(api, "rival@example.com", password="another secret pw", business="Rival Boots")
    p = platform_of(api)
    owner_id = (await (await api.get("/api/me", headers=owner.auth)).json())["owner"]["id"]
    assert (await finish_login(api, await start_login(api, owner), who=owner)).status == 200  # pages 1001, 1002
    await give_a_business_data(api, owner, page="1001")
    await give_a_business_data(api, rival, page="2002")
    await start_login(api, owner)  # a Facebook Login begun and never finished

    # Customers, with a name, in conversations, and in what Leo was asked about them.
    conversation = await convs.get_or_create_conversation(p.db, owner.tenant_id, "facebook", "1001", "4242", CUSTOMER)
    await msgs.record_outbound(
        p.db, owner.tenant_id, conversation.id, sender="bot", text=f"Hi {CUSTOMER}!", source="offline", delivery="sent"
    )
    await p.redis.set("profile:facebook:1001:4242", CUSTOMER, ex=3600)  # the worker's cache of Graph's name
    for question in (f"How is {CUSTOMER} doing?", "How many conversations this week?"):
        leo = await api.post("/api/leo/chat", json={"message": question}, headers=owner.auth)
        assert leo.status == 200, await leo.text()
    test_question = {"question": "How much is shipping?", "expected": "$5"}
    added = await api.post("/api/quality/questions", json=test_question, headers=owner.auth)
    assert added.status == 201, await added.text()
    assert (await api.post("/api/quality/run", json={}, headers=owner.auth)).status == 200
    assert (await api.post("/api/account/delete", json={"password": "a wrong guess"}, headers=owner.auth)).status == 403

    # The shared queue: a delivery given up on (one of this business's page, one shared with the rival's), and one
    # still waiting for a worker.
    inbound = api.app[INBOUND]
    our_event = messenger_text(f"This is {CUSTOMER}, do you ship?", page_id="1001", psid="4242")
    their_event = messenger_text("Do you have size 44?", page_id="2002", psid="5151")
    for body in (our_event, two_pages(our_event, their_event)):
        await inbound.accept("messenger", json.dumps(body).encode(), 0)
    for delivery in await inbound.read("test", count=10, block_ms=100):
        await inbound.dead_letter(delivery, "given up for the test")
    mixed = (await inbound.list_dead_letters())[1]["id"]
    rival_conversation = await convs.get_or_create_conversation(p.db, rival.tenant_id, "facebook", "2002", "5151", "Sam")
    await p.db.conversations.update_one({"_id": rival_conversation.id}, {"$set": {"deadletter_id": mixed}})
    await post_webhook(api, messenger_text(f"{CUSTOMER} again: hello?", page_id="1001", psid="4242"))

    watched = await log_in(api, owner)
    stream = await open_stream(api, watched)
    other = await log_in(api, owner)
    redis_before = await whole_redis(p.redis)
    ours = [key for key, text in redis_before.items() if owner.tenant_id in text or owner_id in text]
    for family in ("session:", "owner_sessions:", "playground:", "quality-run:", "owner_progress:", "fb_oauth_state:"):
        assert any(key.startswith(family) for key in ours), (family, ours)
    assert any(CUSTOMER in text for key, text in redis_before.items() if key.startswith("inbound:body:"))
    # Whatever holds the business's state expires by itself too, should a deletion never come.
    assert [key for key in ours if await p.redis.ttl(key) < 0] == []

    deleted = await api.post("/api/account/delete", json={"password": owner.password}, headers=other.browser)
    assert deleted.status == 200, await deleted.text()
    await asyncio.wait_for(stream.content.read(), 2)
    assert stream.content.at_eof()
    await process_queue(api)

    needles = {"business id": owner.tenant_id, "owner id": owner_id, "owner's email": owner.email, "customer's name": CUSTOMER}
    left = mentions(await whole_database(p.mongo), needles) + mentions(await whole_redis(p.redis), needles)
    assert left == [], "\n".join(left)

    # The other business keeps all it had, including its part of the delivery it shared.
    assert (await api.get("/api/me", headers=rival.auth)).status == 200
    assert await p.db.conversations.count_documents({"tenant_id": rival.tenant_id}) == 2
    [(letter, fields)] = await p.redis.xrange(DEADLETTER)
    assert '"2002"' in fields["body"] and '"1001"' not in fields["body"]
    # The rival's conversation that pointed at the shared dead letter points at it under its new id.
    assert (await p.db.conversations.find_one({"_id": rival_conversation.id}))["deadletter_id"] == letter


# What names a business in Redis ----------------------------------------------------------------------------


MARKS = BusinessMarks(tenant_id="t" * 32, people=("o" * 32,), accounts=frozenset({"1001", "555000"}))


def test_a_key_is_the_business_by_its_ids_or_an_account_part_of_its_name() -> None:
    assert names_business(f"owner_progress:{'t' * 32}", MARKS)
    assert names_business(f"ratelimit:{{LIMITER/leo/{'o' * 32}/20/1/minute}}", MARKS)
    assert names_business("profile:facebook:1001:4242", MARKS) and names_business("pace:whatsapp:555000:text:slowed", MARKS)
    assert names_business("order:facebook:1001:4242", MARKS)  # a customer's deliveries in flight, for the order of replies
    assert not names_business("profile:facebook:10012:4242", MARKS)  # another page whose id starts alike
    assert not names_business("profile:facebook:2002:1001", MARKS)  # a customer id is not an account
    assert not names_business("inbound", MARKS) and not names_business("session:" + "a" * 64, MARKS)


def test_a_shared_delivery_loses_only_the_business_entries() -> None:
    whatsapp = {
        "object": "whatsapp_business_account",
        "entry": [
            {"id": "waba-1", "changes": [{"value": {"metadata": {"phone_number_id": "555000"}, "messages": []}}]},
            {"id": "waba-2", "changes": [{"value": {"metadata": {"phone_number_id": "777000"}, "messages": []}}]},
        ],
    }
    kept = without_accounts(json.dumps(whatsapp), MARKS.accounts)
    assert kept is not None and json.loads(kept)["entry"] == whatsapp["entry"][1:]
    ours = messenger_text("1001", page_id="1001")
    assert without_accounts(json.dumps(ours), MARKS.accounts) is None
    theirs = json.dumps(messenger_text("my order is 1001", page_id="2002"))  # customers' words name nothing
    assert without_accounts(theirs, MARKS.accounts) == theirs
    assert without_accounts('{"id": "1001", broken', MARKS.accounts) is None
