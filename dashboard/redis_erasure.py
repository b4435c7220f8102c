"""A deleted business's keys in Redis, found in one pass over the keyspace (no index lists them all).

A key is the business's when its name carries the business's id or a mark of one of its people (their id, or the
hash rate limits count an email under): playground chats, test-question runs, setup progress, rate-limit counts,
the list of a person's sessions. It is also the business's when its name is about one of the business's channel
accounts (customer names cached from Graph, send pacing), or when its name is a hash and its value names the
business (sessions, Facebook Login states). A new kind of key that names the business is found without a change here.

The inbound stream and its bodies are shared and are left to the workers: the accounts are disconnected first, so
each waiting delivery of theirs is dropped and deleted when it is read. Dead letters wait for an operator, so the
business's events are taken out of them here: a dead letter of its accounts alone goes, and one it shared with
another business is written again without the business's part.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

import redis.asyncio as aioredis

from bot.inbound.stream import DEADLETTER

# `profile:{platform}:{account}:{customer}` (customer names), `pace:{platform}:{account}:{kind}` (send pacing) and
# `order:{platform}:{account}:{customer}` (the deliveries a customer's replies wait for, `bot.inbound.arrival_order`).
ACCOUNT_KEYED = frozenset({"profile", "pace", "order"})
# Keys named by a hash (of a cookie, of an OAuth state) whose value says whose they are.
VALUE_NAMED = ("session:", "fb_oauth_state:")
# Where Meta's deliveries name the account an event is for: a page or Instagram account as `id` (of the entry, or
# its recipient), a WhatsApp number as `phone_number_id`. Customers' own words are under other names.
ACCOUNT_FIELDS = frozenset({"id", "phone_number_id"})
BATCH = 500


@dataclass(frozen=True)
class BusinessMarks:
    """What names a business in a key: its id, its people's marks, its channel accounts."""

    tenant_id: str
    people: tuple[str, ...] = ()
    accounts: frozenset[str] = frozenset()


def names_business(key: str, marks: BusinessMarks) -> bool:
    """Whether a key's name says it holds this business's state."""
    if marks.tenant_id in key or any(mark in key for mark in marks.people):
        return True
    parts = key.split(":")
    # Account ids are short digit strings: only the account part of such a name counts, never a substring.
    return len(parts) > 2 and parts[0] in ACCOUNT_KEYED and parts[2] in marks.accounts


def _names_account(value: Any, accounts: frozenset[str]) -> bool:
    if isinstance(value, dict):
        return any(
            (key in ACCOUNT_FIELDS and isinstance(item, str) and item in accounts) or _names_account(item, accounts)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return any(_names_account(item, accounts) for item in value)
    return False


def without_accounts(body: str, accounts: frozenset[str]) -> str | None:
    """A delivery's body without the entries of these accounts: the same text when it has none, None when nothing
    else is left (or when it cannot be read and names one of them)."""
    try:
        payload = json.loads(body)
    except ValueError:
        return None if any(f'"{account}"' in body for account in accounts) else body
    entries = payload.get("entry") if isinstance(payload, dict) else None
    if not isinstance(entries, list):
        return None if _names_account(payload, accounts) else body
    kept = [entry for entry in entries if not _names_account(entry, accounts)]
    if len(kept) == len(entries):
        return body
    return json.dumps({**payload, "entry": kept}) if kept else None


async def erase_business_keys(redis: aioredis.Redis, marks: BusinessMarks) -> int:
    """Delete every key of the business; returns how many."""
    doomed = [key async for key in redis.scan_iter(count=1000) if await _is_business_key(redis, key, marks)]
    for start in range(0, len(doomed), BATCH):
        await redis.delete(*doomed[start : start + BATCH])
    return len(doomed)


async def _is_business_key(redis: aioredis.Redis, key: str, marks: BusinessMarks) -> bool:
    if names_business(key, marks):
        return True
    if not key.startswith(VALUE_NAMED):
        return False
    kind = await redis.type(key)
    value: Any = await redis.hgetall(key) if kind == "hash" else await redis.get(key) if kind == "string" else ""
    return marks.tenant_id in json.dumps(value)


async def forget_accounts_in_dead_letters(redis: aioredis.Redis, accounts: Iterable[str]) -> dict[str, str]:
    """Take these accounts' events out of the dead letters. Returns, for each dead letter written again without
    them, its old id and its new one ("" when it was removed whole)."""
    accounts = frozenset(accounts)
    moved: dict[str, str] = {}
    if not accounts:
        return moved
    after = "-"
    while True:
        # The client decodes responses: ids and fields come back as text.
        rows = cast(list[tuple[str, dict[str, str]]], await redis.xrange(DEADLETTER, min=after, count=BATCH))
        for entry_id, fields in rows:
            body = fields.get("body", "")
            kept = without_accounts(body, accounts)
            if kept == body:
                continue
            async with redis.pipeline(transaction=True) as pipe:
                if kept is not None:
                    pipe.xadd(DEADLETTER, dict[Any, Any]({**fields, "body": kept}))
                pipe.xdel(DEADLETTER, entry_id)
                results = await pipe.execute()
            moved[entry_id] = str(results[0]) if kept is not None else ""
        if len(rows) < BATCH:
            return moved
        after = "(" + rows[-1][0]
