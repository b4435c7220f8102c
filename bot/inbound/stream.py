"""The durable inbound queue: a Redis Stream with one consumer group, and its dead-letter stream.

A webhook is acknowledged to Meta only after `accept` returned, i.e. after Redis has the entry (with
append-only persistence on, it survives a crash of Redis too). Workers read with XREADGROUP, ack
and delete what they finished, and claim entries a dead worker left pending for longer than
`claim_idle_ms`. An entry that failed `max_attempts` times goes to the dead-letter stream with its
last error, where operators can list and replay it.

The body (customers' texts) is not in the stream entry but in a key of its own that the acknowledgement
deletes: a stream frees a deleted entry's memory only with its whole node, so bodies kept inside entries
would outlive their processing. `compact_log` then rewrites the append-only file, which still holds the
commands that wrote them.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any, cast

import redis.asyncio as aioredis
from redis.exceptions import NoScriptError, ResponseError

from bot.inbound import arrival_order, liveness
from channels.registry import channel_named

log = logging.getLogger(__name__)

STREAM = "inbound"
GROUP = "workers"
DEADLETTER = "deadletter"
ATTEMPTS = "inbound:attempts"
LAST_ERRORS = "inbound:errors"
BODY_PREFIX = "inbound:body:"
# Lanes (accounts) whose deliveries wait in a worker behind their own burst: field `lane|worker`, value
# `count unix_ms`. The whole hash expires when no worker has published for a while.
BACKLOG = "inbound:backlog"
BACKLOG_TTL_S = 30
# A published count older than this is a worker that stopped publishing (stopped, or killed).
BACKLOG_STALE_MS = 15_000

# A delivery accepted in one command: its body, the customers' order notes (`arrival_order`), then its entry, in
# that order, so a reader never finds an entry before its body and notes. One command instead of two plus two per
# customer keeps the webhook's share of Redis's work, and of its own reply parsing, small.
# KEYS: body key, stream, each customer's order key. ARGV: body, channel, received_at_ms, the notes' lifetime in
# seconds, then each order key's score (when the customer's first message of the delivery was written).
_ADD = """
redis.call('SET', KEYS[1], ARGV[1])
for i = 3, #KEYS do
  redis.call('ZADD', KEYS[i], ARGV[i + 2], KEYS[1])
  redis.call('EXPIRE', KEYS[i], ARGV[4])
end
return redis.call('XADD', KEYS[2], '*', 'channel', ARGV[2], 'body_key', KEYS[1], 'received_at_ms', ARGV[3])
"""
_ADD_SHA = hashlib.sha1(_ADD.encode()).hexdigest()  # Redis names scripts by their SHA-1


@dataclass(frozen=True)
class Delivery:
    entry_id: str
    channel: str
    body: bytes
    received_at_ms: int
    body_key: str = ""  # where the body is kept until the entry is acknowledged ("" for a body inside the entry)
    body_missing: bool = False  # its body key is gone: the webhook that wrote it was refused, Meta sends it again


@dataclass(frozen=True)
class _Waiting:
    """A delivery accepted and not yet in Redis."""

    fields: dict[str, str]
    body: str
    noted: dict[str, int]  # its customers' order keys and when each one's first message of it was written
    added: asyncio.Future[str]  # its entry id, once added


def _delivery(entry_id: str, fields: dict[str, str], body: str | None) -> Delivery:
    body_key = fields.get("body_key", "")
    if not body_key:  # an entry written by an older version carries its body
        body = fields.get("body", "")
    return Delivery(
        entry_id=entry_id,
        channel=fields.get("channel", ""),
        body=(body or "").encode("utf-8", "surrogateescape"),
        received_at_ms=int(fields.get("received_at_ms", "0") or 0),
        body_key=body_key,
        body_missing=body is None,
    )


class InboundStream:
    def __init__(
        self,
        redis: aioredis.Redis,
        *,
        stream: str = STREAM,
        group: str = GROUP,
        claim_idle_ms: int = 15_000,
        max_attempts: int = 5,
    ) -> None:
        self.redis = redis
        self.stream = stream
        self.group = group
        self.claim_idle_ms = claim_idle_ms
        self.max_attempts = max_attempts
        self._waiting: list[_Waiting] = []
        self._sending: set[asyncio.Task[None]] = set()

    async def ensure_group(self) -> None:
        try:
            await self.redis.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def accept(self, channel: str, raw_body: bytes, received_at_ms: int, payload: dict[str, Any] | None = None) -> None:
        """The webhook sink: the raw delivery XADDed; returns once Redis has it, raises if it could not.
        `payload`: the body as the webhook decoded it (read for `arrival_order`; without it, decoded here).

        Deliveries accepted in the same turn of the event loop share one pipelined round trip (a group
        commit): under a burst that is most of the cost of an acknowledgement, saved.
        """
        # The webhook edge passes only bodies that parsed as JSON, which is UTF-8.
        body = raw_body.decode("utf-8")
        fields = {"channel": channel, "body_key": BODY_PREFIX + uuid.uuid4().hex, "received_at_ms": str(received_at_ms)}
        noted = _writers(channel, body if payload is None else payload)
        loop = asyncio.get_running_loop()
        added: asyncio.Future[str] = loop.create_future()
        if not self._waiting:
            loop.call_soon(self._send_waiting)
        self._waiting.append(_Waiting(fields, body, noted, added))
        await added

    def _send_waiting(self) -> None:
        batch, self._waiting = self._waiting, []
        task = asyncio.ensure_future(self._add_all(batch))
        self._sending.add(task)  # held until done, so the task is not collected mid-flight
        task.add_done_callback(self._sending.discard)

    async def _add_all(self, batch: list[_Waiting]) -> None:
        try:
            results = await self._run_adds(batch)
            if any(isinstance(result, NoScriptError) for result in results):
                # Redis restarted (or its scripts were flushed) since the script was loaded: nothing of those
                # deliveries was written, so loading it and adding them again writes each once.
                await self.redis.script_load(_ADD)
                again = [index for index, result in enumerate(results) if isinstance(result, NoScriptError)]
                for index, result in zip(again, await self._run_adds([batch[i] for i in again]), strict=True):
                    results[index] = result
        except BaseException as exc:
            for waiting in batch:
                if not waiting.added.done():
                    waiting.added.set_exception(exc if isinstance(exc, Exception) else ConnectionError("queue unavailable"))
            if not isinstance(exc, Exception):
                raise
            return
        for waiting, result in zip(batch, results, strict=True):
            if waiting.added.done():
                continue  # its webhook request went away; the entry is in the stream all the same
            if isinstance(result, Exception):
                waiting.added.set_exception(result)
            else:
                waiting.added.set_result(cast(str, result))  # the client decodes replies: an entry id is text

    async def _run_adds(self, batch: list[_Waiting]) -> list[Any]:
        """One script call per delivery, all in one pipelined round trip; each call's result (an entry id or
        the error it raised)."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for waiting in batch:
                fields, noted = waiting.fields, waiting.noted
                pipe.evalsha(
                    _ADD_SHA,
                    2 + len(noted),
                    fields["body_key"],
                    self.stream,
                    *noted,
                    waiting.body,
                    fields["channel"],
                    fields["received_at_ms"],
                    arrival_order.KEEP_S,
                    *noted.values(),
                )
            return list(await pipe.execute(raise_on_error=False))

    async def read(self, consumer: str, *, count: int = 50, block_ms: int = 1000) -> list[Delivery]:
        response = await self.redis.xreadgroup(self.group, consumer, {self.stream: ">"}, count=count, block=block_ms)
        return await self._with_bodies(_entries(response))

    async def claim_stale(self, consumer: str, *, count: int = 50) -> list[Delivery]:
        """Take over entries that another (dead or stuck) consumer has held for too long."""
        result = await self.redis.xautoclaim(
            self.stream, self.group, consumer, min_idle_time=self.claim_idle_ms, start_id="0-0", count=count
        )
        messages = result[1] if len(result) > 1 else []
        return await self._with_bodies([(entry_id, fields) for entry_id, fields in messages if fields])

    async def mark_alive(self, consumer: str) -> bool:
        """Renew this consumer's liveness key; False when it had expired (others may have taken its deliveries)."""
        key = liveness.alive_key(consumer)
        if await self.redis.set(key, "1", px=liveness.ALIVE_TTL_MS, xx=True):
            return True
        await self.redis.set(key, "1", px=liveness.ALIVE_TTL_MS)
        return False

    async def mark_gone(self, consumer: str) -> None:
        """This consumer left (stopped): what it left pending is for the others at once."""
        await self.redis.delete(liveness.alive_key(consumer))

    async def take_over_dead(self, consumer: str, *, count: int = 200) -> list[Delivery]:
        """Claim, for `consumer`, the deliveries of consumers that died (see `liveness.py`); the group forgets
        consumers long dead with nothing pending. The conversation locks a dead worker held are left to expire:
        a worker only stalled, not dead, still holds them when it wakes, so a conversation never has two turns."""
        rows = await self.redis.xinfo_consumers(self.stream, self.group)
        consumers = [liveness.Consumer(str(r["name"]), int(r["pending"]), int(r["idle"])) for r in rows]
        others = [c.name for c in consumers if c.name != consumer]
        flags = await self.redis.mget([liveness.alive_key(name) for name in others]) if others else []
        alive = {name for name, flag in zip(others, flags, strict=True) if flag}
        for name in liveness.forgotten(consumers, alive, consumer):
            await self.redis.xgroup_delconsumer(self.stream, self.group, name)
        taken: list[Delivery] = []
        for name in liveness.dead_holding(consumers, alive, consumer):
            pending = await self.redis.xpending_range(self.stream, self.group, "-", "+", count, consumername=name)
            ids: list[Any] = [row["message_id"] for row in pending]
            if not ids:
                continue
            # Replies are decoded to str (the client's decode_responses), whatever redis-py's types allow for.
            claimed = cast(
                list[tuple[str, dict[str, str]]],
                await self.redis.xclaim(
                    self.stream, self.group, consumer, min_idle_time=liveness.TAKE_OVER_IDLE_MS, message_ids=ids
                ),
            )
            entries = [(entry_id, fields) for entry_id, fields in claimed if fields]
            log.warning(
                "took over a dead worker's deliveries",
                extra={"worker": consumer, "dead_worker": name, "deliveries": len(entries)},
            )
            taken += await self._with_bodies(entries)
        return taken

    async def _with_bodies(self, entries: list[tuple[str, dict[str, str]]]) -> list[Delivery]:
        keys = [fields["body_key"] for _, fields in entries if fields.get("body_key")]
        # The client decodes responses: bodies come back as text.
        bodies: dict[str, str | None] = (
            dict(zip(keys, cast(list[str | None], await self.redis.mget(keys)), strict=True)) if keys else {}
        )
        return [_delivery(entry_id, fields, bodies.get(fields.get("body_key", ""))) for entry_id, fields in entries]

    async def keep_claimed(self, consumer: str, delivery: Delivery) -> None:
        """Reset the entry's idle time, so a delivery still being handled is not claimed by another worker."""
        await self.redis.xclaim(self.stream, self.group, consumer, min_idle_time=0, message_ids=[delivery.entry_id], justid=True)

    async def keep_all_claimed(self, consumer: str, entry_ids: list[str], *, chunk: int = 1000) -> None:
        """`keep_claimed` for many entries (those read and waiting for a slot), a few round trips in all."""
        for start in range(0, len(entry_ids), chunk):
            ids: list[Any] = entry_ids[start : start + chunk]
            await self.redis.xclaim(self.stream, self.group, consumer, min_idle_time=0, message_ids=ids, justid=True)

    async def publish_backlog(self, consumer: str, waiting: dict[str, int], *, gone: set[str]) -> None:
        """This worker's deliveries waiting per lane (only lanes with a backlog); `gone`: lanes it published before
        that have none now."""
        now_ms = int(time.time() * 1000)
        async with self.redis.pipeline(transaction=False) as pipe:
            if gone:
                pipe.hdel(BACKLOG, *(f"{lane}|{consumer}" for lane in gone))
            if waiting:
                pipe.hset(BACKLOG, mapping={f"{lane}|{consumer}": f"{count} {now_ms}" for lane, count in waiting.items()})
                pipe.expire(BACKLOG, BACKLOG_TTL_S)
            await pipe.execute()

    async def start_attempt(self, delivery: Delivery) -> int:
        """Count one more processing attempt of an entry; the count outlives a crash."""
        return int(await self.redis.hincrby(ATTEMPTS, delivery.entry_id, 1))

    async def refund_attempt(self, delivery: Delivery) -> None:
        """Take back an attempt that was interrupted (the process stopped), not failed."""
        await self.redis.hincrby(ATTEMPTS, delivery.entry_id, -1)

    async def note_failure(self, delivery: Delivery, error: str) -> None:
        """Keep the latest error of an entry, so a dead letter says why it died."""
        await self.redis.hset(LAST_ERRORS, delivery.entry_id, error[:2000])

    async def last_error(self, delivery: Delivery) -> str:
        return str(await self.redis.hget(LAST_ERRORS, delivery.entry_id) or "")

    async def ack(self, delivery: Delivery) -> None:
        """Done with the entry: it and its body are deleted (see `compact_log` for the copy on disk)."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xack(self.stream, self.group, delivery.entry_id)
            pipe.xdel(self.stream, delivery.entry_id)
            if delivery.body_key:
                pipe.delete(delivery.body_key)
            pipe.hdel(ATTEMPTS, delivery.entry_id)
            pipe.hdel(LAST_ERRORS, delivery.entry_id)
            await pipe.execute()

    async def dead_letter(self, delivery: Delivery, error: str) -> str:
        """Move the entry to the dead-letter stream; the dead letter's id (what a replay names)."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xadd(
                DEADLETTER,
                {
                    "channel": delivery.channel,
                    "body": delivery.body.decode("utf-8", "surrogateescape"),
                    "received_at_ms": str(delivery.received_at_ms),
                    "error": error[:2000],
                    "failed_at_ms": str(int(time.time() * 1000)),
                    "original_id": delivery.entry_id,
                },
            )
            pipe.xack(self.stream, self.group, delivery.entry_id)
            pipe.xdel(self.stream, delivery.entry_id)
            if delivery.body_key:
                pipe.delete(delivery.body_key)
            pipe.hdel(ATTEMPTS, delivery.entry_id)
            pipe.hdel(LAST_ERRORS, delivery.entry_id)
            results = await pipe.execute()
        return str(results[0])

    async def list_dead_letters(self, count: int = 100) -> list[dict[str, str]]:
        # Replies are decoded to str (the client's decode_responses), whatever redis-py's types allow for.
        rows: list[tuple[str, dict[str, str]]] = await self.redis.xrange(DEADLETTER, count=count)  # type: ignore[assignment]
        return [
            {
                "id": entry_id,
                "channel": fields.get("channel", ""),
                "error": fields.get("error", ""),
                "failed_at_ms": fields.get("failed_at_ms", ""),
                "original_id": fields.get("original_id", ""),
            }
            for entry_id, fields in rows
        ]

    async def replay_dead_letter(self, entry_id: str) -> bool:
        """Put a dead letter back on the inbound stream (after the cause was fixed)."""
        rows = await self.redis.xrange(DEADLETTER, min=entry_id, max=entry_id)
        if not rows:
            return False
        fields = cast(dict[str, str], rows[0][1])
        body_key = BODY_PREFIX + uuid.uuid4().hex
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(body_key, fields.get("body", ""))
            pipe.xadd(
                self.stream,
                {"channel": fields.get("channel", ""), "body_key": body_key, "received_at_ms": fields.get("received_at_ms", "0")},
            )
            pipe.xdel(DEADLETTER, entry_id)
            await pipe.execute()
        return True

    async def pending_count(self) -> int:
        info = await self.redis.xpending(self.stream, self.group)
        return int(info.get("pending", 0) if isinstance(info, dict) else info[0])


async def waiting_in_lanes(redis: aioredis.Redis, lanes: set[str]) -> int:
    """Deliveries of these lanes (`platform:account_id`) waiting in workers behind their own burst, as the workers
    last published (0 when none has a backlog). Counts of workers that stopped publishing are dropped."""
    fields = cast(dict[str, str], await redis.hgetall(BACKLOG))
    now_ms, total, stale = int(time.time() * 1000), 0, []
    for field, value in fields.items():
        lane, _, _ = field.rpartition("|")
        count, _, at_ms = value.partition(" ")
        if not count.isdigit() or not at_ms.isdigit() or now_ms - int(at_ms) > BACKLOG_STALE_MS:
            stale.append(field)
        elif lane in lanes:
            total += int(count)
    if stale:
        await redis.hdel(BACKLOG, *stale)
    return total


async def compact_log(redis: aioredis.Redis) -> bool:
    """Rewrite Redis's append-only file when it grew since its last rewrite: the commands that wrote bodies already
    processed (and deleted) are then gone from disk too. True when a rewrite was started. A Redis that refuses
    (a managed service that disables the command, say) is left alone."""
    try:
        info = await redis.info("persistence")
        grown = int(info.get("aof_current_size", 0)) > int(info.get("aof_base_size", 0))
        if not info.get("aof_enabled") or info.get("aof_rewrite_in_progress") or info.get("aof_rewrite_scheduled") or not grown:
            return False
        await redis.bgrewriteaof()
    except ResponseError as exc:
        log.info("append-only file not rewritten", extra={"reason": str(exc)[:200]})
        return False
    return True


def _writers(channel: str, body: str | dict[str, Any]) -> dict[str, int]:
    """Who wrote in a delivery (its text, or as decoded), for `arrival_order`; a body that cannot be read names no
    one (the worker decides)."""
    try:
        return arrival_order.writers(channel_named(channel).parse(json.loads(body) if isinstance(body, str) else body))
    except Exception:  # noqa: BLE001 # an unreadable body names no writer; the worker's parse reports it
        return {}


def _entries(response: Any) -> list[tuple[str, dict[str, str]]]:
    # RESP3 answers a dict {stream: [entries]}; RESP2 a list [[stream, entries]].
    if isinstance(response, dict):
        groups = list(response.values())
    else:
        groups = [item[1] for item in (response or [])]
    entries: list[tuple[str, dict[str, str]]] = []
    for group in groups:
        if group and isinstance(group[0], list) and len(group) == 1 and isinstance(group[0][0], list):
            group = group[0]
        for entry_id, fields in group:
            if fields:
                entries.append((entry_id, fields))
    return entries
