"""Delivering the outbox: signed POSTs, retried with growing pauses for a day, then the endpoint is paused.

The schedule is stored on each delivery (`next_try_ms`), not a loop in one process: any worker's chore picks up
what is due, so a retry planned for eight hours later survives restarts. A delivery is claimed for `LEASE` before
it is sent: a second process finds nothing to take, and if the sender dies the lease runs out and it goes again
(at least once; the `webhook-id` lets the CRM drop the copy). Each attempt is logged for the settings page
(time, event, status, error), never the payload. After a day of failures the endpoint is paused, its deliveries
held, and the owner is told (the pages' banner and the alert email); resuming sends the held ones.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING

from bot.outbound_webhooks.endpoints import Endpoint, get_endpoint, pause_endpoint
from bot.outbound_webhooks.outbox import body_of, webhook_id_for
from bot.outbound_webhooks.payloads import TEST_EVENT, PingData
from bot.outbound_webhooks.signing import signed_headers
from bot.outbound_webhooks.transport import DeliveryRules, PostOutcome, post_signed
from channels.crypto import TokenCipher, TokenDecryptError
from knowledge.db import Db

log = logging.getLogger(__name__)

# Pauses after the 1st, 2nd … failure; the last one repeats until the day is over.
RETRY_PAUSES = tuple(timedelta(seconds=s) for s in (30, 2 * 60, 10 * 60, 30 * 60, 3600, 2 * 3600, 4 * 3600, 8 * 3600))
GIVE_UP_AFTER = timedelta(days=1)
LEASE = timedelta(minutes=2)
BATCH = 50
AT_ONCE = 8
ATTEMPTS_KEPT = 50
# A delivered event's record (its id, no payload) is kept this long, so an event written again by a late retry is
# recognised and not sent twice; a CRM still gets the same `webhook-id` after that.
DELIVERED_KEPT = timedelta(days=7)


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


@dataclass(frozen=True)
class AfterFailure:
    pause_endpoint: bool
    next_try: datetime | None = None


def after_failure(first_failed: datetime, failures: int, now: datetime) -> AfterFailure:
    """Try again after the schedule's pause, or pause the endpoint once failures have gone on for a day (pure)."""
    if now - first_failed >= GIVE_UP_AFTER:
        return AfterFailure(pause_endpoint=True)
    pause = RETRY_PAUSES[min(failures, len(RETRY_PAUSES)) - 1]
    # The last retry lands on the day's end, so a receiver down all day is told after a day, not after 32 hours.
    return AfterFailure(pause_endpoint=False, next_try=min(now + pause, first_failed + GIVE_UP_AFTER))


async def deliver_due(db: Db, cipher: TokenCipher, rules: DeliveryRules, now: datetime) -> int:
    """Send the deliveries whose time has come (any business), a few at once; how many were taken."""
    due = (
        await db.webhook_deliveries.find({"state": "pending", "next_try_ms": {"$lte": _ms(now)}})
        .sort("next_try_ms", ASCENDING)
        .limit(BATCH)
        .to_list(BATCH)
    )
    gate = asyncio.Semaphore(AT_ONCE)

    async def one(doc: dict[str, Any]) -> bool:
        async with gate:
            return await _deliver(db, cipher, rules, doc, now)

    return sum(await asyncio.gather(*(one(doc) for doc in due)))


async def _deliver(db: Db, cipher: TokenCipher, rules: DeliveryRules, doc: dict[str, Any], now: datetime) -> bool:
    claimed = await db.webhook_deliveries.update_one(
        {"_id": doc["_id"], "state": "pending", "next_try_ms": doc["next_try_ms"]},
        {"$set": {"next_try_ms": _ms(now + LEASE)}},
    )
    if not claimed.modified_count:
        return False  # another process took it
    endpoint = await get_endpoint(db, doc["tenant_id"], doc["endpoint_id"])
    if endpoint is None:
        await db.webhook_deliveries.delete_one({"_id": doc["_id"]})
        return False
    if endpoint.state == "paused":
        await db.webhook_deliveries.update_one(
            {"_id": doc["_id"]}, {"$set": {"state": "held", "next_try_ms": doc["next_try_ms"]}}
        )
        return False
    outcome = await _post(db, cipher, endpoint, doc["webhook_id"], doc["event"], doc["body"], rules, now)
    failures = int(doc.get("attempts", 0)) + 1
    if outcome.delivered:
        # The payload (the customer's name and contact) is not kept once the CRM has it.
        await db.webhook_deliveries.update_one(
            {"_id": doc["_id"]}, {"$set": {"state": "delivered", "attempts": failures}, "$unset": {"body": ""}}
        )
        return True
    first_failed_ms = int(doc.get("first_failed_ms", _ms(now)))
    decision = after_failure(datetime.fromtimestamp(first_failed_ms / 1000, now.tzinfo), failures, now)
    if decision.pause_endpoint or decision.next_try is None:
        await db.webhook_deliveries.update_one(
            {"_id": doc["_id"]}, {"$set": {"state": "held", "attempts": failures, "next_try_ms": _ms(now)}}
        )
        await pause_endpoint(db, endpoint, outcome.error, now)
        log.warning("webhook endpoint paused after a day of failures", extra={"endpoint_id": endpoint.id})
        return False
    await db.webhook_deliveries.update_one(
        {"_id": doc["_id"]},
        {"$set": {"attempts": failures, "first_failed_ms": first_failed_ms, "next_try_ms": _ms(decision.next_try)}},
    )
    return False


async def forget_delivered(db: Db, now: datetime) -> int:
    """Delivered events older than `DELIVERED_KEPT` go (any business); how many."""
    cutoff = _ms(now - DELIVERED_KEPT)
    result = await db.webhook_deliveries.delete_many({"state": "delivered", "next_try_ms": {"$lt": cutoff}})
    return result.deleted_count


async def send_test(db: Db, cipher: TokenCipher, endpoint: Endpoint, rules: DeliveryRules, now: datetime) -> PostOutcome:
    """The settings page's button: one `webhook.test` event, sent now (not through the outbox) and logged."""
    key = f"test:{endpoint.id}:{uuid.uuid4().hex}"
    data = PingData(endpoint_id=endpoint.id, message="A test event from your sales bot.")
    return await _post(
        db, cipher, endpoint, webhook_id_for(endpoint.tenant_id, key), TEST_EVENT, body_of(TEST_EVENT, data, now), rules, now
    )


async def _post(
    db: Db,
    cipher: TokenCipher,
    endpoint: Endpoint,
    webhook_id: str,
    event: str,
    body: str,
    rules: DeliveryRules,
    now: datetime,
) -> PostOutcome:
    try:
        secret = cipher.decrypt(endpoint.secret_encrypted)
    except TokenDecryptError:  # the platform's secret key changed since the endpoint was saved
        outcome = PostOutcome(0, "the signing secret cannot be read; rotate it", "secret")
    else:
        headers = signed_headers(secret, webhook_id, int(now.timestamp()), body)
        outcome = await post_signed(endpoint.url, body.encode(), headers, rules)
    await record_attempt(db, endpoint, event=event, webhook_id=webhook_id, outcome=outcome, now=now)
    if not outcome.delivered:
        log.info("webhook delivery failed", extra={"endpoint_id": endpoint.id, "status": outcome.status})
    return outcome


async def record_attempt(db: Db, endpoint: Endpoint, *, event: str, webhook_id: str, outcome: PostOutcome, now: datetime) -> None:
    """Log one attempt (never the payload); only the newest `ATTEMPTS_KEPT` of an endpoint stay."""
    scope = {"tenant_id": endpoint.tenant_id, "endpoint_id": endpoint.id}
    await db.webhook_attempts.insert_one(
        {
            "_id": uuid.uuid4().hex,
            **scope,
            "at_ms": _ms(now),
            "event": event,
            "webhook_id": webhook_id,
            "status": outcome.status,
            "error": outcome.error[:300],
            "kind": outcome.kind,
        }
    )
    older = await db.webhook_attempts.find(scope, {"at_ms": 1}).sort("at_ms", DESCENDING).skip(ATTEMPTS_KEPT).limit(1).to_list(1)
    if older:
        await db.webhook_attempts.delete_many({**scope, "at_ms": {"$lt": older[0]["at_ms"]}})


async def recent_attempts(db: Db, tenant_id: str, endpoint_id: str, *, limit: int = 20) -> list[dict[str, Any]]:
    cursor = db.webhook_attempts.find({"tenant_id": tenant_id, "endpoint_id": endpoint_id}).sort("at_ms", DESCENDING).limit(limit)
    return [doc async for doc in cursor]
