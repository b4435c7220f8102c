"""The worker loop: read deliveries from the inbound stream, handle their events, acknowledge.

Deliveries are handled concurrently (one task each, bounded), so a conversation waiting out its
debounce window or a slow model call never holds up other customers. What is read waits in one lane per
connected account and is started round-robin across lanes (`fairness.py`): a burst of one business's customers
never holds up another business. Waiting entries stay pending in the stream, kept claimed by this worker, and
lanes with a backlog are published for their owners to see (`InboundStream.publish_backlog`). A delivery whose handling
raised stays pending and is claimed again after the stream's idle time, by this or another worker;
after `max_attempts` it goes to the dead-letter stream. A worker that dies (SIGKILL, a crash) is noticed by the
others within seconds through its liveness key (`liveness.py`), and its deliveries are taken over then.

Two things cost a delivery none of its attempts: a store outage (MongoDB or Redis unreachable), which the
handling waits out with backoff and then tries again; and a stop (SIGTERM), which lets running turns finish
(up to `grace_s`) and leaves every other delivery pending, claimed by no one busy, for another worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator

from bot.conversations.sending import TurnSuperseded
from bot.inbound.arrival_order import current_body_key
from bot.inbound.dispatch import EventDispatcher
from bot.inbound.draining import ShuttingDown, TurnGate, current_delivery, resting_slot
from bot.inbound.fairness import UNKNOWN_LANE, FairQueue, lane_of
from bot.inbound.liveness import RENEW_EVERY_S
from bot.inbound.stream import Delivery, InboundStream
from bot.metrics import Metrics
from bot.outages import OutageBackoff, is_store_outage, ride_out
from channels.parsing import loads_limited
from channels.registry import channel_named

log = logging.getLogger(__name__)

# How long running turns may take to finish once the process is told to stop (a model call has 8 s at most).
GRACE_S = 8.0
# Deliveries handled at once by one worker (shared equally among the accounts with work, see fairness.py). A
# delivery waiting out its burst's debounce window gives its slot back meanwhile. More slots than keep the CPU busy
# only lengthen every turn: measured with bench/tenant_fairness.py, 600 messages at once were all answered sooner
# with 64 than with 256, and another business's message waited 1.1 s instead of 7.7 s.
CONCURRENCY = 64
# Deliveries read ahead of the free slots, so another lane's message behind a burst is seen (bodies in memory).
READ_AHEAD = 5000
# A lane shows its owner that replies are queued once this many of its deliveries wait.
BACKLOG_NOTICE_AT = 20


class Worker:
    def __init__(
        self,
        inbound: InboundStream,
        dispatcher: EventDispatcher,
        metrics: Metrics,
        *,
        name: str,
        gate: TurnGate,
        concurrency: int = CONCURRENCY,
        read_ahead: int = READ_AHEAD,
        claim_every_s: float = 2.0,
        grace_s: float = GRACE_S,
    ) -> None:
        self.inbound = inbound
        self.dispatcher = dispatcher
        self.metrics = metrics
        self.name = name
        self.gate = gate  # the engine's: closed on stop, so no turn starts and running ones are waited for
        self._read_ahead = read_ahead
        self._waiting: FairQueue[Delivery] = FairQueue(concurrency)
        self._room = asyncio.Event()  # set when a running delivery finished (a slot and read-ahead room freed)
        self._tasks: dict[asyncio.Task[None], str] = {}  # each handler's stream entry
        self._in_flight: set[str] = set()
        self._published: dict[str, int] = {}
        self._holding: dict[str, str] = {}  # entry id -> lane, while its handling holds a slot
        self._waking: deque[tuple[str, str, asyncio.Future[None]]] = deque()  # resting deliveries wanting a slot again
        self._stopping = asyncio.Event()
        self._claim_every_s = claim_every_s
        self._grace_s = grace_s

    async def run(self) -> None:
        log.info("worker started", extra={"worker": self.name})
        await ride_out(self.inbound.ensure_group, what="the consumer group", give_up=self._stopping.is_set)
        last_claim = 0.0
        backoff = OutageBackoff()
        keeper = asyncio.create_task(self._keep_waiting_claimed())
        watcher = asyncio.create_task(self._keep_alive())
        while not self._stopping.is_set():
            try:
                if time.monotonic() - last_claim >= self._claim_every_s:
                    last_claim = time.monotonic()
                    self._queue(await self.inbound.claim_stale(self.name))
                if len(self._waiting) >= self._read_ahead:
                    # Enough read ahead: wait for a slot to free before reading more (the claim check still runs).
                    self._room.clear()
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(self._room.wait(), self._claim_every_s)
                    continue
                room = max(1, min(200, self._read_ahead - len(self._waiting)))
                deliveries = await self.inbound.read(self.name, count=room, block_ms=500)
                if self._stopping.is_set():
                    break  # read as the stop came: left pending for another worker
                self._queue(deliveries)
                backoff = OutageBackoff()
            except asyncio.CancelledError:
                keeper.cancel()
                watcher.cancel()
                raise
            except Exception as exc:
                if self._stopping.is_set():
                    break
                if is_store_outage(exc):
                    log.warning(
                        "stream unreachable; reading again shortly", extra={"worker": self.name, "error_type": type(exc).__name__}
                    )
                else:
                    log.exception("worker loop error; retrying", extra={"worker": self.name})
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), backoff.next_delay())
        keeper.cancel()
        watcher.cancel()
        self._waiting.clear()  # never started: pending in the stream, for another worker (or this one's restart)
        await self._drain()
        try:
            await self.inbound.mark_gone(self.name)  # what it left pending is the others' at once
        except Exception:  # noqa: BLE001 # the key expires on its own: the others wait a few seconds more
            log.warning("could not say this worker left", extra={"worker": self.name})
        log.info("worker stopped", extra={"worker": self.name})

    async def stop(self) -> None:
        """Stop taking deliveries; `run` then lets running turns finish and returns."""
        self._stopping.set()
        self.gate.close()

    async def _drain(self) -> None:
        started = time.monotonic()
        self.gate.close()
        # A delivery with a turn running is seen through (the turn finishes, the delivery is acknowledged); every
        # other one stops where it is and stays pending for another worker.
        busy = self.gate.busy_deliveries()
        idle = [task for task, entry in self._tasks.items() if entry not in busy]
        finishing = [task for task, entry in self._tasks.items() if entry in busy]
        for task in idle:
            task.cancel()
        if idle:
            await asyncio.wait(idle, timeout=5)
        cut = await self.gate.drain(max(0.0, self._grace_s - (time.monotonic() - started)))
        if finishing:
            _, late = await asyncio.wait(finishing, timeout=2)
            for task in late:
                task.cancel()
        log.info(
            "worker drained",
            extra={
                "worker": self.name,
                "left_pending": len(idle),
                "finished": len(finishing),
                "turns_cut": cut,
                "seconds": round(time.monotonic() - started, 3),
            },
        )

    def _queue(self, deliveries: list[Delivery]) -> None:
        """Put what was read or claimed in its lane, then start what the free slots allow."""
        for delivery in deliveries:
            if delivery.entry_id not in self._in_flight:
                self._waiting.put(_lane(delivery), delivery.entry_id, delivery)
        self._start_what_fits()

    def _start_what_fits(self) -> None:
        while not self._stopping.is_set():
            taken = self._waiting.take()  # None once every slot is taken (resting deliveries hold none)
            if taken is None:
                return
            lane, delivery = taken
            self._in_flight.add(delivery.entry_id)
            self._holding[delivery.entry_id] = lane
            task = asyncio.create_task(self._handle(delivery))
            self._tasks[task] = delivery.entry_id
            task.add_done_callback(self._finished)

    def _wake_resting(self) -> None:
        """Deliveries back from a rest take the free slots first: they are older than anything waiting."""
        while self._waking:
            entry_id, lane, woken = self._waking[0]
            if woken.done():  # cancelled while resting (the process stops)
                self._waking.popleft()
                continue
            if not self._waiting.resume(lane):
                return
            self._waking.popleft()
            self._holding[entry_id] = lane
            woken.set_result(None)

    def _finished(self, task: asyncio.Task[None]) -> None:
        entry_id = self._tasks.pop(task, "")
        lane = self._holding.pop(entry_id, None)
        if lane is not None:
            self._waiting.done(lane)
        self._room.set()
        self._wake_resting()
        self._start_what_fits()

    @contextlib.asynccontextmanager
    async def _resting(self, entry_id: str) -> AsyncIterator[None]:
        """The delivery's slot serves another while it only waits; it takes a slot again before going on."""
        lane = self._holding.pop(entry_id, None)
        if lane is None:
            yield
            return
        self._waiting.done(lane)
        self._wake_resting()
        self._start_what_fits()
        try:
            yield
        finally:
            woken = asyncio.get_running_loop().create_future()
            self._waking.append((entry_id, lane, woken))
            self._wake_resting()
            await woken

    async def _keep_waiting_claimed(self) -> None:
        """Deliveries waiting for a slot stay this worker's (no other claims them as stale), and lanes with a
        backlog are published for their owners."""
        interval = self.inbound.claim_idle_ms / 3000
        while not self._stopping.is_set():  # not only the cancellation: see `_keep_claimed`
            await asyncio.sleep(min(interval, 2.0))
            try:
                await self.inbound.keep_all_claimed(self.name, list(self._waiting.waiting_ids()))
                backlog = {lane: count for lane, count in self._waiting.waiting_by_lane().items() if count >= BACKLOG_NOTICE_AT}
                if backlog or self._published:
                    await self.inbound.publish_backlog(self.name, backlog, gone=set(self._published) - set(backlog))
                    self._published = backlog
            except Exception:  # noqa: BLE001 # a missed refresh only risks a second handler, which idempotency absorbs
                log.warning("could not refresh the waiting deliveries' claims", extra={"worker": self.name})

    async def _keep_alive(self) -> None:
        """Renew this worker's liveness key and take over the deliveries of workers whose key expired."""
        first = True
        while not self._stopping.is_set():
            try:
                if not await self.inbound.mark_alive(self.name) and not first:
                    # Its event loop stood still longer than the key lives (or Redis lost the key): the others may
                    # have taken its deliveries; its conversation locks (still its own unless they expired too)
                    # make them wait for its turns, which they then find answered.
                    log.warning("this worker's liveness key had expired", extra={"worker": self.name})
                first = False
                self._queue(await self.inbound.take_over_dead(self.name))
            except Exception:  # noqa: BLE001 # the claim idle time still hands a dead worker's deliveries over
                log.warning("could not renew liveness or look for dead workers", extra={"worker": self.name})
            await asyncio.sleep(RENEW_EVERY_S)

    async def _keep_claimed(self, delivery: Delivery, handled: asyncio.Event) -> None:
        """Refresh the delivery's claim until it is handled. The event, not only the task's cancellation, ends the
        loop: a cancellation that lands inside the Redis client's call can be swallowed there, and a keeper that
        went on would hold a failed delivery forever, never retried nor given up."""
        interval = self.inbound.claim_idle_ms / 3000
        while not handled.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(handled.wait(), interval)
            if handled.is_set():
                return
            try:
                await self.inbound.keep_claimed(self.name, delivery)
            except Exception:  # noqa: BLE001 # a missed refresh only risks a second handler, which idempotency absorbs
                log.warning("could not refresh a delivery's claim", extra={"entry_id": delivery.entry_id})

    def _outage(self) -> None:
        self.metrics.store_outage_retries.inc()

    async def _handle(self, delivery: Delivery) -> None:
        current_delivery.set(delivery.entry_id)
        current_body_key.set(delivery.body_key)
        resting_slot.set(lambda: self._resting(delivery.entry_id))
        handled = asyncio.Event()
        keeper = asyncio.create_task(self._keep_claimed(delivery, handled))
        counted = False
        try:
            attempts = await ride_out(
                lambda: self.inbound.start_attempt(delivery),
                what="a delivery's attempt",
                give_up=self._stopping.is_set,
                on_outage=self._outage,
            )
            counted = True
            if attempts > self.inbound.max_attempts:
                last = await self.inbound.last_error(delivery) or "the worker handling it stopped"
                deadletter_id = await self.inbound.dead_letter(delivery, f"failed {attempts - 1} times; last error: {last}")
                self.metrics.dead_letters.inc()
                log.error("delivery dead-lettered", extra={"entry_id": delivery.entry_id, "attempts": attempts})
                await self._tell_owners(delivery, deadletter_id)
                return
            if delivery.body_missing:
                # Its webhook was answered 503 when the body could not be stored: Meta delivers it again.
                log.warning("delivery without its body dropped", extra={"entry_id": delivery.entry_id})
                await self.inbound.ack(delivery)
                return
            try:
                payload = loads_limited(delivery.body)
            except ValueError:
                # The webhook edge only queues valid JSON; anything else cannot get better with retries.
                await self.inbound.dead_letter(delivery, "body is not JSON")
                self.metrics.dead_letters.inc()
                return
            # A store outage is waited out here, in this attempt: it says nothing about the delivery.
            await ride_out(
                lambda: self.dispatcher.handle_delivery(delivery.channel, payload, delivery.received_at_ms),
                what="a delivery",
                give_up=self._stopping.is_set,
                on_outage=self._outage,
            )
            await ride_out(
                lambda: self.inbound.ack(delivery),
                what="an acknowledgement",
                give_up=self._stopping.is_set,
                on_outage=self._outage,
            )
        except (ShuttingDown, TurnSuperseded, asyncio.CancelledError) as exc:
            # Stopped, or overtaken by the worker that holds its conversation now: not a failure of the delivery.
            if counted:
                await self._refund(delivery)
            if isinstance(exc, TurnSuperseded):
                log.warning("turn left to the worker now holding its conversation", extra={"entry_id": delivery.entry_id})
            if isinstance(exc, asyncio.CancelledError):
                raise
        except Exception as exc:
            if self._stopping.is_set() and counted and is_store_outage(exc):
                await self._refund(delivery)
                return
            log.exception("delivery failed; it will be retried", extra={"entry_id": delivery.entry_id})
            try:
                await self.inbound.note_failure(delivery, f"{type(exc).__name__}: {exc}")
            except Exception:  # noqa: BLE001 # the store is away too: the delivery is retried all the same
                log.warning("could not record a delivery's error", extra={"entry_id": delivery.entry_id})
        finally:
            handled.set()
            keeper.cancel()
            self._in_flight.discard(delivery.entry_id)

    async def _tell_owners(self, delivery: Delivery, deadletter_id: str) -> None:
        """The customers of a given-up delivery got no answer: their conversations show it (see
        `undelivered.fail_after_retries`). Best effort: the dead letter itself is kept whatever happens here."""
        try:
            payload = loads_limited(delivery.body)
            await self.dispatcher.note_dead_letter(delivery.channel, payload, deadletter_id)
        except Exception:  # noqa: BLE001 # the dead letter is kept whatever happens to its conversations' marks
            log.warning("could not mark a dead letter's conversations", extra={"entry_id": delivery.entry_id})

    async def _refund(self, delivery: Delivery) -> None:
        """The delivery was interrupted by the stop, not failed by it: its attempt does not count."""
        try:
            await asyncio.wait_for(asyncio.shield(self.inbound.refund_attempt(delivery)), 2)
        except (Exception, asyncio.CancelledError):  # noqa: BLE001 # the stop goes on: at worst the attempt counts
            log.warning("could not give a stopped delivery its attempt back", extra={"entry_id": delivery.entry_id})


def _lane(delivery: Delivery) -> str:
    """The lane of a delivery: the account its events name (a body that cannot be read has a lane of its own)."""
    try:
        return lane_of(channel_named(delivery.channel).parse(loads_limited(delivery.body)))
    except Exception:  # noqa: BLE001 # an unreadable body goes to the shared lane; its handling reports it
        return UNKNOWN_LANE
