"""Events written down for delivery (collection `webhook_deliveries`), one document per event and endpoint.

`emit` is called right where the change is written (a lead saved, a sale recorded, a turn's new status), so the
event outlives the process that made it; a worker's chore delivers it (`delivery.py`). The event's `key` names the
change itself (a lead's creation, a turn's handoff, a sale's id), so an event written again by a retried turn is
the same document: each endpoint gets it once, under one `webhook-id` a CRM can dedupe on, whatever the retries.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from bot.outbound_webhooks.endpoints import Endpoint, list_endpoints
from bot.outbound_webhooks.payloads import Data
from knowledge.db import Db


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def webhook_id_for(tenant_id: str, key: str) -> str:
    """The event's id, the same for every endpoint and every retry."""
    return "msg_" + hashlib.sha256(f"{tenant_id}\0{key}".encode()).hexdigest()[:32]


def body_of(event_type: str, data: Data, at: datetime) -> str:
    """The exact text sent (and signed): compact JSON in the Standard Webhooks envelope."""
    envelope = {
        "type": event_type,
        "timestamp": at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "data": data.model_dump(mode="json"),
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))


async def emit(
    db: Db, tenant_id: str, event_type: str, key: str, data: Data, now: datetime, *, endpoints: list[Endpoint] | None = None
) -> int:
    """Keep the event for each of the business's endpoints that receives it; how many deliveries were written now.
    A paused endpoint's delivery waits for it to be resumed. `endpoints`: the business's endpoints as the caller
    just read them (None: read them here)."""
    if endpoints is None:
        endpoints = await list_endpoints(db, tenant_id)
    endpoints = [e for e in endpoints if e.receives(event_type)]
    if not endpoints:
        return 0
    webhook_id = webhook_id_for(tenant_id, key)
    body = body_of(event_type, data, now)
    written = 0
    for endpoint in endpoints:
        doc: dict[str, Any] = {
            "_id": f"{endpoint.id}:{webhook_id}",
            "tenant_id": tenant_id,
            "endpoint_id": endpoint.id,
            "webhook_id": webhook_id,
            "event": event_type,
            "body": body,
            "state": "held" if endpoint.state == "paused" else "pending",
            "attempts": 0,
            "next_try_ms": _ms(now),
            "created_ms": _ms(now),
        }
        try:
            await db.webhook_deliveries.insert_one(doc)
        except DuplicateKeyError:
            continue
        written += 1
    return written


async def waiting_count(db: Db, tenant_id: str, endpoint_id: str) -> int:
    """Events not yet delivered to this endpoint (held ones included)."""
    query = {"tenant_id": tenant_id, "endpoint_id": endpoint_id, "state": {"$in": ["pending", "held"]}}
    return await db.webhook_deliveries.count_documents(query)
