"""A whole platform under test: web app with its worker, a fake Graph API, and a signed-up tenant."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
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
    return {"object": "page", "entry": [{"id": page_id, "time": now, "messaging": [{
        "sender": {"id": psid or "PSID" + uuid.uuid4().hex[:8]}, "recipient": {"id": page_id}, "timestamp": now,
        "message": {"mid": mid or "m_" + uuid.uuid4().hex, "text": text}}]}]}


CAMPAIGN = {
    "name": "Spring yoga pass",
    "product": {"name": "Yoga Pass", "description": "Unlimited classes for a month", "price": 49.0,
                "currency": "USD", "features": ["unlimited classes", "free mat rental"],
                "call_to_action_url": "https://example.com/buy"},
    "target_platform": "facebook",
    "chat_flow": {"greeting": "Hi! Welcome to Sunrise Yoga.",
                  "qualification_questions": ["How often do you practice?", "Which studio is closest to you?"],
                  "objection_handling": {"too expensive": "It works out at under $2 a class."},
                  "closing_message": "Grab your pass here:"},
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
async def platform_client(aiohttp_client, make_settings, graph, redis):
    """The app with its background worker, sending to the fake Graph API."""
    from bot.app import create_app

    _, url = graph
    app = create_app(make_settings(graph_api_url=url))
    return await aiohttp_client(app)


async def signup(client, email: str = "", business: str = "Sunrise Yoga") -> Tenant:
    response = await client.post("/api/signup", json={
        "email": email or f"owner-{uuid.uuid4().hex[:8]}@example.com", "password": "correct horse battery", "business_name": business})
    assert response.status == 201, await response.text()
    data = await response.json()
    return Tenant(data["tenant_id"], data["api_token"])


async def seeded_tenant(client, *, page_id: str = PAGE_ID, campaign: dict[str, Any] | None = None) -> Tenant:
    tenant = await signup(client)
    response = await client.post("/api/campaigns", json=campaign or CAMPAIGN, headers=tenant.headers)
    assert response.status == 201, await response.text()
    response = await client.post("/api/channels", json={"platform": "facebook", "account_id": page_id,
                                                          "access_token": "EAAtest-page-token-123456"}, headers=tenant.headers)
    assert response.status == 201, await response.text()
    return tenant
