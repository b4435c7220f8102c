"""Live pages: server-sent events that tell an open inbox or thread which conversations have new messages, or a
new status or delivery (a take-over in another tab, a handoff by the bot).

Nothing is added to the engine's path: one poller per business with at least one page open in this
process reads the conversations whose `last_message_at_ms` or `changed_at_ms` moved (indexed queries every POLL_S)
and fans the change out to every open page of that business, with the row's time already written in the business's
time zone, its last message and unread count. An open thread reads what it shows from its own page.

A stream lives no longer than its session: before each event it writes, and on a heartbeat every CHECK_S when
there is none, it asks Redis whether the session still exists, so logout, a password change, a revoked token or
a deleted account (in any web process) close it within a second and nothing more is written to it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from aiohttp_sse import sse_response
from redis.exceptions import RedisError

from bot.conversations.bot_settings import get_bot_settings
from bot.conversations.queries import changed_since
from bot.conversations.records import Conversation, to_ms
from bot.runtime.host import DATABASE, REDIS
from dashboard.delivery_words import delivery_error
from dashboard.inbox_rows import RowExtras, conversation_extras
from dashboard.sessions import SESSION_COOKIE, SessionStore
from dashboard.team.holders import Holder, holders_of
from dashboard.times import when
from knowledge.db import Db

log = logging.getLogger(__name__)

POLL_S = 1.5
CHECK_S = 0.5
# Messages are stored with the customer's own time, which may be a little older than when they arrive.
LOOKBACK_MS = 60_000
QUEUE_SIZE = 200
_CLOSE: dict[str, Any] = {}


def conversation_event(
    conversation: Conversation,
    zone: ZoneInfo,
    extras: RowExtras | None = None,
    *,
    new_message: bool = True,
    holder: Holder | None = None,
) -> dict[str, Any]:
    """What an open page needs to redraw a conversation's row: its time is written here, in the business's time
    zone and the pages' format, so a row drawn live reads exactly as it does after a reload. Every page of the
    business gets the same event: who holds the conversation comes along, and each page says "You have it" or
    "Ana has it" for its own reader."""
    extras = extras or RowExtras()
    return {
        "id": conversation.id,
        "status": conversation.status.value,
        "platform": conversation.platform,
        "customer_name": conversation.customer_name,
        "customer_id": conversation.customer_id,
        "campaign_id": conversation.campaign_id,
        # What brought the customer: the page words it in its own language ("From ad: …").
        "source_kind": conversation.source.kind,
        "source_headline": conversation.source.headline or conversation.source.ad_id,
        "last_message_at": conversation.last_message_at.isoformat(),
        "time_text": when(conversation.last_message_at, zone),
        "delivery": conversation.delivery.value,
        "delivery_error": delivery_error(conversation),
        # False when only the status or delivery changed (a take-over in another tab): the row is redrawn in place.
        "new_message": new_message,
        "preview": extras.preview,
        "last_from": extras.last_from,
        "unread": extras.unread_text,
        "holder_id": holder.id if holder else "",
        "holder_name": holder.name if holder else "",
    }


def _marks(conversation: Conversation) -> tuple[int, int]:
    """When its newest message came and when its status or delivery last changed (ms)."""
    changed = to_ms(conversation.changed_at) if conversation.changed_at else 0
    return to_ms(conversation.last_message_at), changed


@dataclass
class _Feed:
    queues: set[asyncio.Queue[dict[str, Any]]] = field(default_factory=set)
    task: asyncio.Task[None] | None = None


class LiveHub:
    """Per-business pollers, running only while a page of that business listens."""

    def __init__(self, db: Db, poll_s: float = POLL_S, check_s: float = CHECK_S) -> None:
        self._db = db
        self.poll_s = poll_s
        self.check_s = check_s  # how often a quiet stream checks its session
        self._feeds: dict[str, _Feed] = {}

    def subscribe(self, tenant_id: str) -> asyncio.Queue[dict[str, Any]]:
        feed = self._feeds.setdefault(tenant_id, _Feed())
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)
        feed.queues.add(queue)
        if feed.task is None or feed.task.done():
            feed.task = asyncio.create_task(self._poll(tenant_id, feed), name=f"live-{tenant_id[:8]}")
        return queue

    def unsubscribe(self, tenant_id: str, queue: asyncio.Queue[dict[str, Any]]) -> None:
        feed = self._feeds.get(tenant_id)
        if feed is None:
            return
        feed.queues.discard(queue)
        if not feed.queues:
            if feed.task is not None:
                feed.task.cancel()
            del self._feeds[tenant_id]

    async def close(self) -> None:
        """Ends every open stream (so shutting down waits for none of them) and every poller."""
        for feed in list(self._feeds.values()):
            for queue in feed.queues:
                _offer(queue, _CLOSE)
            if feed.task is not None:
                feed.task.cancel()
        tasks = [feed.task for feed in self._feeds.values() if feed.task is not None]
        await asyncio.gather(*tasks, return_exceptions=True)
        self._feeds.clear()

    async def _poll(self, tenant_id: str, feed: _Feed) -> None:
        cursor = int(time.time() * 1000)
        seen: dict[str, tuple[int, int]] = {}
        while True:
            await asyncio.sleep(self.poll_s)
            try:
                changed = await changed_since(self._db, tenant_id, cursor - LOOKBACK_MS)
                fresh = [c for c in changed if _moved(seen.get(c.id), _marks(c))]
                zone = (await get_bot_settings(self._db, tenant_id)).zone if fresh else None
                events = [await self._event(c, seen.get(c.id), zone, cursor) for c in fresh if zone is not None]
            except Exception as exc:  # noqa: BLE001 # the store is away for a moment: the pages keep what they show
                log.warning("live poll failed", extra={"error_type": type(exc).__name__})
                continue
            for conversation, event in zip(fresh, events, strict=True):
                seen[conversation.id] = _marks(conversation)
                cursor = max(cursor, *seen[conversation.id])
                for queue in list(feed.queues):
                    _offer(queue, event)
            horizon = cursor - LOOKBACK_MS
            for key in [key for key, marks in seen.items() if max(marks) < horizon]:
                del seen[key]

    async def _event(
        self, conversation: Conversation, before: tuple[int, int] | None, zone: ZoneInfo, cursor: int
    ) -> dict[str, Any]:
        message_ms, _ = _marks(conversation)
        new_message = message_ms > (before[0] if before else cursor - LOOKBACK_MS)
        holders = await holders_of(self._db, conversation.tenant_id, [(conversation.id, conversation.status.value)])
        extras = await conversation_extras(self._db, conversation)
        return conversation_event(conversation, zone, extras, new_message=new_message, holder=holders.get(conversation.id))


def _moved(before: tuple[int, int] | None, now: tuple[int, int]) -> bool:
    """Whether a conversation changed since this poller last told the pages about it."""
    return before is None or now[0] > before[0] or now[1] > before[1]


def _offer(queue: asyncio.Queue[dict[str, Any]], event: dict[str, Any]) -> None:
    try:
        queue.put_nowait(event)
    except asyncio.QueueFull:  # a page that stopped reading misses events; it reloads what it shows anyway
        pass


LIVE = web.AppKey("live_hub", LiveHub)


async def events_and_beats(queue: asyncio.Queue[dict[str, Any]], every_s: float) -> AsyncGenerator[dict[str, Any] | None]:
    """The queue's events as they come, and None (a heartbeat) after every `every_s` without one.

    One `get` stays pending across heartbeats: cancelling it on a timeout could lose an event that arrived just then.
    """
    getter: asyncio.Task[dict[str, Any]] | None = None
    try:
        while True:
            getter = getter or asyncio.ensure_future(queue.get())
            done, _ = await asyncio.wait({getter}, timeout=every_s)
            if done:
                event, getter = getter.result(), None
                yield event
            else:
                yield None
    finally:
        if getter is not None:
            getter.cancel()


async def _still_live(sessions: SessionStore, session_id: str) -> bool:
    try:
        return await sessions.is_live(session_id)
    except RedisError as exc:  # unknown is not live: the page reconnects in a few seconds and is checked afresh
        log.info("live stream ended: session not checked", extra={"error_type": type(exc).__name__})
        return False


async def live_events(request: web.Request) -> web.StreamResponse:
    """`GET /live/events`: `conversation` events for the logged-in owner's business, while the session lives."""
    sessions = SessionStore(request.app[REDIS])
    session_id = request.cookies.get(SESSION_COOKIE, "")
    session = await sessions.get(session_id)
    if session is None:
        raise web.HTTPUnauthorized(text="log in first")
    hub = request.app[LIVE]
    queue = hub.subscribe(session.tenant_id)
    beats = events_and_beats(queue, hub.check_s)
    try:
        async with sse_response(request, headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}) as stream:
            try:
                await stream.send("ready", event="ready", retry=3000)
                async for event in beats:
                    # Checked before every write: an ended session is sent nothing more, and its page's reconnect gets a 401.
                    if event is _CLOSE or not stream.is_connected() or not await _still_live(sessions, session_id):
                        break
                    if event is not None:
                        await stream.send(json.dumps(event), event="conversation")
            except ConnectionResetError:  # the page was closed
                pass
    finally:
        await beats.aclose()
        hub.unsubscribe(session.tenant_id, queue)
    return stream


def setup_live(app: web.Application) -> None:
    async def hub_ctx(app: web.Application) -> AsyncIterator[None]:
        app[LIVE] = LiveHub(app[DATABASE])
        yield

    async def end_streams(app: web.Application) -> None:
        if LIVE in app:
            await app[LIVE].close()

    app.cleanup_ctx.append(hub_ctx)
    app.on_shutdown.append(end_streams)
    app.router.add_get("/live/events", live_events)
