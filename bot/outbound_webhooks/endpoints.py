"""The owner's webhook endpoints (collection `webhook_endpoints`): URL, events, the secret (encrypted like access
tokens) and whether deliveries go (`active`) or wait for the owner (`paused`, after a day of failures).

Every read and write names the tenant: an id of another business is not found.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pymongo import ASCENDING

from bot.outbound_webhooks.payloads import EventType
from bot.outbound_webhooks.signing import new_secret
from channels.crypto import TokenCipher
from knowledge.db import Db

EndpointState = Literal["active", "paused"]
MAX_ENDPOINTS = 10


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    url: str = Field(min_length=1, max_length=2000, description="where events are POSTed; https:// in production")
    events: list[EventType] = Field(min_length=1, max_length=5, description="the events this URL receives")

    @field_validator("events")
    @classmethod
    def _once_each(cls, value: list[EventType]) -> list[EventType]:
        return list(dict.fromkeys(value))


class Endpoint(BaseModel):
    id: str
    tenant_id: str
    url: str
    events: list[str]
    secret_encrypted: str
    state: EndpointState = "active"
    paused_reason: str = ""
    paused_ms: int = 0
    created_ms: int

    def receives(self, event_type: str) -> bool:
        return event_type in self.events


def _endpoint(doc: dict[str, Any]) -> Endpoint:
    return Endpoint.model_validate({**doc, "id": doc["_id"]})


async def create_endpoint(
    db: Db, cipher: TokenCipher, tenant_id: str, data: WebhookIn, now: datetime
) -> tuple[Endpoint, str] | None:
    """The new endpoint and its secret (shown to the owner this once); None when the business has the most it may."""
    if await db.webhook_endpoints.count_documents({"tenant_id": tenant_id}) >= MAX_ENDPOINTS:
        return None
    secret = new_secret()
    doc = {
        "_id": "we_" + secrets.token_hex(12),
        "tenant_id": tenant_id,
        "url": data.url,
        "events": list(data.events),
        "secret_encrypted": cipher.encrypt(secret),
        "state": "active",
        "created_ms": _ms(now),
    }
    await db.webhook_endpoints.insert_one(doc)
    return _endpoint(doc), secret


async def list_endpoints(db: Db, tenant_id: str) -> list[Endpoint]:
    cursor = db.webhook_endpoints.find({"tenant_id": tenant_id}).sort("created_ms", ASCENDING)
    return [_endpoint(doc) async for doc in cursor]


async def get_endpoint(db: Db, tenant_id: str, endpoint_id: str) -> Endpoint | None:
    doc = await db.webhook_endpoints.find_one({"_id": endpoint_id, "tenant_id": tenant_id})
    return _endpoint(doc) if doc else None


async def delete_endpoint(db: Db, tenant_id: str, endpoint_id: str) -> bool:
    """The endpoint, its waiting deliveries and its log go."""
    result = await db.webhook_endpoints.delete_one({"_id": endpoint_id, "tenant_id": tenant_id})
    if not result.deleted_count:
        return False
    await db.webhook_deliveries.delete_many({"endpoint_id": endpoint_id, "tenant_id": tenant_id})
    await db.webhook_attempts.delete_many({"endpoint_id": endpoint_id, "tenant_id": tenant_id})
    return True


async def rotate_secret(db: Db, cipher: TokenCipher, tenant_id: str, endpoint_id: str) -> str | None:
    """A new secret signs every delivery from now on (retries included); the old one stops at once."""
    secret = new_secret()
    result = await db.webhook_endpoints.update_one(
        {"_id": endpoint_id, "tenant_id": tenant_id}, {"$set": {"secret_encrypted": cipher.encrypt(secret)}}
    )
    return secret if result.matched_count else None


async def pause_endpoint(db: Db, endpoint: Endpoint, reason: str, now: datetime) -> None:
    """Deliveries stop and wait (`held`) until the owner resumes the endpoint: none is dropped."""
    await db.webhook_endpoints.update_one(
        {"_id": endpoint.id, "tenant_id": endpoint.tenant_id},
        {"$set": {"state": "paused", "paused_reason": reason[:300], "paused_ms": _ms(now)}},
    )
    await db.webhook_deliveries.update_many(
        {"endpoint_id": endpoint.id, "tenant_id": endpoint.tenant_id, "state": "pending"}, {"$set": {"state": "held"}}
    )


async def resume_endpoint(db: Db, tenant_id: str, endpoint_id: str, now: datetime) -> Endpoint | None:
    """Deliveries go again, the held ones first, each with a fresh day of retries."""
    result = await db.webhook_endpoints.update_one(
        {"_id": endpoint_id, "tenant_id": tenant_id},
        {"$set": {"state": "active"}, "$unset": {"paused_reason": "", "paused_ms": ""}},
    )
    if not result.matched_count:
        return None
    await db.webhook_deliveries.update_many(
        {"endpoint_id": endpoint_id, "tenant_id": tenant_id, "state": "held"},
        {"$set": {"state": "pending", "next_try_ms": _ms(now), "attempts": 0}, "$unset": {"first_failed_ms": ""}},
    )
    return await get_endpoint(db, tenant_id, endpoint_id)


async def paused_endpoints(db: Db, *, tenant_id: str = "", since_ms: int = 0) -> list[Endpoint]:
    """Paused endpoints of one business (or of all, paused since `since_ms`): the owner is told of them."""
    query: dict[str, Any] = {"state": "paused"}
    if tenant_id:
        query["tenant_id"] = tenant_id
    if since_ms:
        query["paused_ms"] = {"$gte": since_ms}
    return [_endpoint(doc) async for doc in db.webhook_endpoints.find(query)]
