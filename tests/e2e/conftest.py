"""A whole platform under test: web app with its worker, a fake Graph API, and a signed-up tenant."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC
from typing import Any

import pytest

from tests.conftest import APP_SECRET
from tests.fakes_meta import FakeGraph

PAGE_ID = "1234567890"


def signed(body: dict[str, Any] | bytes) -> tuple[bytes, dict[str, str]]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"X-Hub-Signature-256": signature, "Content-Type": "application/json"}


def messenger_text(text: str, *, page_id: str = PAGE_ID, psid: str = "", mid: str = "") -> dict[str, Any]:
    now = int(time.time() * 1000)
    return {
        "object": "page",
        "entry": [
            {
                "id": page_id,
                "time": now,
                "messaging": [
                    {
                        "sender": {"id": psid or "PSID" + uuid.uuid4().hex[:8]},
                        "recipient": {"id": page_id},
                        "timestamp": now,
                        "message": {"mid": mid or "m_" + uuid.uuid4().hex, "text": text},
                    }
                ],
            }
        ],
    }


CAMPAIGN: dict[str, Any] = {
    "name": "Spring yoga pass",
    "product": {
        "name": "Yoga Pass",
        "description": "Unlimited classes for a month",
        "price": 49.0,
        "currency": "USD",
        "features": ["unlimited classes", "free mat rental"],
        "call_to_action_url": "https://example.com/buy",
    },
    "target_platform": "facebook",
    "chat_flow": {
        "greeting": "Hi! Welcome to Sunrise Yoga.",
        "qualification_questions": ["How often do you practice?", "Which studio is closest to you?"],
        "objection_handling": {"too expensive": "It works out at under $2 a class."},
        "closing_message": "Grab your pass here:",
    },
    "status": "active",
}


@dataclass
class Tenant:
    tenant_id: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
async def graph(aiohttp_server) -> tuple[FakeGraph, str]:
    fake = FakeGraph()
    server = await aiohttp_server(fake.app())
    return fake, str(server.make_url("/v21.0"))


@pytest.fixture
async def platform_client(aiohttp_client, make_settings, graph, redis):  # noqa: ARG001 # requested for what it sets up
    """The app with its background worker, sending to the fake Graph API."""
    from tests.whole_app import create_app

    _, url = graph
    app = create_app(make_settings(graph_api_url=url))
    return await aiohttp_client(app)


async def signup(client, email: str = "", business: str = "Sunrise Yoga") -> Tenant:
    response = await client.post(
        "/api/signup",
        json={
            "email": email or f"owner-{uuid.uuid4().hex[:8]}@example.com",
            "password": "correct horse battery",
            "business_name": business,
        },
    )
    assert response.status == 201, await response.text()
    data = await response.json()
    return Tenant(data["tenant_id"], data["api_token"])


async def seeded_tenant(client, *, page_id: str = PAGE_ID, campaign: dict[str, Any] | None = None, email: str = "") -> Tenant:
    tenant = await signup(client, email)
    response = await client.post("/api/campaigns", json=campaign or CAMPAIGN, headers=tenant.headers)
    assert response.status == 201, await response.text()
    response = await client.post(
        "/api/channels",
        json={"platform": "facebook", "account_id": page_id, "access_token": "EAAtest-page-token-123456"},
        headers=tenant.headers,
    )
    assert response.status == 201, await response.text()
    return tenant


async def post_messenger(client, text: str, *, psid: str, page_id: str = PAGE_ID) -> None:
    body, headers = signed(messenger_text(text, psid=psid, page_id=page_id))
    response = await client.post("/webhooks/messenger", data=body, headers=headers)
    assert response.status == 200, await response.text()


async def until_passes(check, timeout: float = 10.0, interval: float = 0.05):
    """Run `check` (async, raising AssertionError until the state is reached) until it passes; returns its value."""
    import asyncio

    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            return await check()
        except AssertionError:
            if asyncio.get_running_loop().time() > deadline:
                raise
        await asyncio.sleep(interval)


async def wait_for_texts(fake: FakeGraph, count: int, timeout: float = 10.0) -> list[str]:
    async def check() -> list[str]:
        texts = fake.texts()
        assert len(texts) >= count, f"expected {count} texts sent, got {texts}"
        return texts

    return await until_passes(check, timeout)


async def conversation_with(client, tenant: Tenant, customer_id: str, *, inbound: int, timeout: float = 10.0) -> dict[str, Any]:
    """The conversation of `customer_id` once `inbound` customer messages are stored and none waits for the worker."""

    async def check() -> dict[str, Any]:
        response = await client.get("/api/conversations", headers=tenant.headers)
        assert response.status == 200, await response.text()
        items = [c for c in (await response.json())["conversations"] if c["customer_id"] == customer_id]
        assert items, f"no conversation with {customer_id} yet"
        detail = await (await client.get(f"/api/conversations/{items[0]['id']}", headers=tenant.headers)).json()
        incoming = [m for m in detail["messages"] if m["direction"] == "in"]
        assert len(incoming) >= inbound, f"{len(incoming)} of {inbound} messages stored"
        assert all(m["state"] != "pending" for m in incoming), [m["state"] for m in incoming]
        return detail

    return await until_passes(check, timeout)


async def today_analytics(client, tenant: Tenant) -> dict[str, Any]:
    from datetime import datetime

    today = datetime.now(UTC).date().isoformat()
    response = await client.get(f"/api/analytics?from={today}&to={today}", headers=tenant.headers)
    assert response.status == 200, await response.text()
    return await response.json()


# Builders of the other delivery shapes and small waits, shared by the durability and channel tests.

WA_PHONE_ID = "5550001111"
IG_ACCOUNT_ID = "1784000000000"


def instagram_text(text: str, *, account_id: str = IG_ACCOUNT_ID, igsid: str = "", mid: str = "") -> dict[str, Any]:
    body = messenger_text(text, page_id=account_id, psid=igsid, mid=mid)
    body["object"] = "instagram"
    return body


def whatsapp_value(messages: list[tuple[str, str, str]], *, phone_number_id: str = WA_PHONE_ID) -> dict[str, Any]:
    """One `changes[].value` with (wa_id, wamid, text) messages."""
    now = str(int(time.time()))
    return {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "+1 555 000 1111", "phone_number_id": phone_number_id},
        "contacts": [{"profile": {"name": f"Customer {wa_id}"}, "wa_id": wa_id} for wa_id, _, _ in messages],
        "messages": [
            {"from": wa_id, "id": wamid, "timestamp": now, "type": "text", "text": {"body": text}}
            for wa_id, wamid, text in messages
        ],
    }


def whatsapp_delivery(*values: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA1", "changes": [{"field": "messages", "value": value} for value in values]}],
    }


def whatsapp_status(
    message_id: str,
    wa_id: str,
    status: str,
    *,
    error_code: int = 0,
    error_title: str = "",
    phone_number_id: str = WA_PHONE_ID,
    callback_data: str = "",
) -> dict[str, Any]:
    item: dict[str, Any] = {"id": message_id, "recipient_id": wa_id, "status": status, "timestamp": str(int(time.time()))}
    if callback_data:
        item["biz_opaque_callback_data"] = callback_data
    if error_code:
        item["errors"] = [{"code": error_code, "title": error_title or "error"}]
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "+1 555 000 1111", "phone_number_id": phone_number_id},
        "statuses": [item],
    }
    return whatsapp_delivery(value)


def messenger_items(*items: dict[str, Any], page_id: str = PAGE_ID) -> dict[str, Any]:
    """One Messenger delivery holding the `messaging` items of several events."""
    return {"object": "page", "entry": [{"id": page_id, "time": int(time.time() * 1000), "messaging": list(items)}]}


def messenger_echo(
    text: str, psid: str, *, app_id: str, metadata: str = "", page_id: str = PAGE_ID, mid: str = ""
) -> dict[str, Any]:
    now = int(time.time() * 1000)
    message: dict[str, Any] = {"is_echo": True, "app_id": int(app_id), "mid": mid or "m_echo_" + uuid.uuid4().hex, "text": text}
    if metadata:
        message["metadata"] = metadata
    return messenger_items(
        {"sender": {"id": page_id}, "recipient": {"id": psid}, "timestamp": now, "message": message}, page_id=page_id
    )


def messenger_receipt(kind: str, psid: str, *, mids: list[str] | None = None, page_id: str = PAGE_ID) -> dict[str, Any]:
    """`kind` is `delivery` (mids and watermark) or `read` (watermark only)."""
    now = int(time.time() * 1000) + 1000
    body: dict[str, Any] = {"watermark": now}
    if kind == "delivery" and mids:
        body["mids"] = mids
    return messenger_items({"sender": {"id": psid}, "recipient": {"id": page_id}, "timestamp": now, kind: body}, page_id=page_id)


async def post_webhook(client, channel: str, body: dict[str, Any]) -> None:
    raw, headers = signed(body)
    response = await client.post(f"/webhooks/{channel}", data=raw, headers=headers)
    assert response.status == 200, await response.text()


async def connect_channel(
    client, tenant: Tenant, platform: str, account_id: str, token: str = "EAAtest-other-token-987654"
) -> dict[str, Any]:
    response = await client.post(
        "/api/channels", json={"platform": platform, "account_id": account_id, "access_token": token}, headers=tenant.headers
    )
    assert response.status == 201, await response.text()
    return await response.json()


async def remember_customer(redis, platform: str, account_id: str, customer_id: str, name: str = "Pat") -> None:
    """Cache a customer's profile name so no profile lookup reaches the fake Graph (and eats a scripted failure)."""
    await redis.set(f"profile:{platform}:{account_id}:{customer_id}", name, ex=3600)


async def eventually(check, *, timeout: float = 10.0, interval: float = 0.05, what: str = "condition", explain=None):
    """Call `check()` (plain or async) until it returns something truthy; its last value otherwise fails the test,
    with what the async `explain()` says about why, when given."""
    import asyncio
    import inspect

    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = check()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            why = f"\n{await explain()}" if explain is not None else ""
            raise AssertionError(f"timed out waiting for {what}; last value: {value!r}{why}")
        await asyncio.sleep(interval)


async def conversation_of(client, tenant: Tenant, customer_id: str) -> dict[str, Any] | None:
    """The owner's detailed view of one customer's conversation, or None before it exists."""
    response = await client.get("/api/conversations?limit=200", headers=tenant.headers)
    assert response.status == 200, await response.text()
    for item in (await response.json())["conversations"]:
        if item["customer_id"] == customer_id:
            detail = await client.get(f"/api/conversations/{item['id']}", headers=tenant.headers)
            assert detail.status == 200
            return await detail.json()
    return None


def sends_by_recipient(fake: FakeGraph) -> dict[str, int]:
    counts: dict[str, int] = {}
    for call in fake.sends():
        named = call.json.get("recipient")
        recipient = (named.get("id") if isinstance(named, dict) else named) or call.json.get("to", "")
        counts[recipient] = counts.get(recipient, 0) + 1
    return counts


async def queue_state(redis) -> str:
    """What the inbound queue holds right now, for a failed wait to say why: each pending entry's consumer, idle
    time, deliveries and counted attempts, its last error, the consumers of the group and the locks held."""
    lines = [f"stream length {await redis.xlen('inbound')}"]
    if await redis.exists("inbound"):
        for group in await redis.xinfo_groups("inbound"):
            name = group["name"]
            consumers = await redis.xinfo_consumers("inbound", name)
            lines.append(f"group {name}: consumers {[(c['name'], c['pending'], c['idle']) for c in consumers]}")
            for entry in await redis.xpending_range("inbound", name, min="-", max="+", count=20):
                entry_id = entry["message_id"]
                attempts = await redis.hget("inbound:attempts", entry_id)
                error = (await redis.hget("inbound:errors", entry_id) or "")[:200]
                lines.append(
                    f"  pending {entry_id}: consumer {entry['consumer']}, idle {entry['time_since_delivered']} ms, "
                    f"delivered {entry['times_delivered']}x, attempts {attempts}, last error {error!r}"
                )
    lines.append(f"dead letters {await redis.xlen('deadletter')}, locks {await redis.keys('lock:conversation:*')}")
    return "\n".join(lines)


async def settled(redis, *, timeout: float = 20.0) -> None:
    """The barrier before a negative check ("no second reply"): every accepted delivery handled and acknowledged
    (the inbound stream empty, nothing pending) and no conversation lock held."""

    async def quiet() -> bool:
        if await redis.xlen("inbound"):
            return False
        groups = await redis.xinfo_groups("inbound") if await redis.exists("inbound") else []
        if any(int(group.get("pending", 0)) for group in groups):
            return False
        return not await redis.keys("lock:conversation:*")

    await eventually(quiet, timeout=timeout, what="the inbound stream drained, nothing pending, no lock held")
