"""The worker loop: read deliveries from the inbound stream, handle their events, acknowledge.

Deliveries are handled concurrently (one task each, bounded), so a conversation waiting out its
debounce window or a slow model call never holds up other customers. A delivery whose handling
raised stays pending and is claimed again after the stream's idle time, by this or another worker;
after `max_attempts` it goes to the dead-letter stream.
"""

from __future__ import annotations

import asyncio
import logging
import time

from bot.inbound.dispatch import EventDispatcher
from bot.inbound.stream import Delivery, InboundStream
from bot.metrics import Metrics
from channels.parsing import loads_limited

log = logging.getLogger(__name__)


class Worker:
    def __init__(
        self,
        inbound: InboundStream,
        dispatcher: EventDispatcher,
        metrics: Metrics,
        *,
        name: str,
        concurrency: int = 256,
        claim_every_s: float = 2.0,
    ) -> None:
        self.inbound = inbound
        self.dispatcher = dispatcher
        self.metrics = metrics
        self.name = name
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()
        self._in_flight: set[str] = set()
        self._stopping = asyncio.Event()
        self._claim_every_s = claim_every_s

    async def run(self) -> None:
        log.info("worker started", extra={"worker": self.name})
        await self.inbound.ensure_group()
        last_claim = 0.0
        while not self._stopping.is_set():
            try:
                if time.monotonic() - last_claim >= self._claim_every_s:
                    last_claim = time.monotonic()
                    for delivery in await self.inbound.claim_stale(self.name):
                        if delivery.entry_id not in self._in_flight:
                            await self._spawn(delivery)
                for delivery in await self.inbound.read(self.name, count=50, block_ms=500):
                    await self._spawn(delivery)
            except asyncio.CancelledError:
                raise
            except Exception:
                if self._stopping.is_set():
                    break
                log.exception("worker loop error; retrying", extra={"worker": self.name})
                await asyncio.sleep(1)
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=30)
        log.info("worker stopped", extra={"worker": self.name})

    async def stop(self) -> None:
        self._stopping.set()

    async def _spawn(self, delivery: Delivery) -> None:
        await self._slots.acquire()
        self._in_flight.add(delivery.entry_id)
        task = asyncio.create_task(self._handle(delivery))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _keep_claimed(self, delivery: Delivery) -> None:
        interval = self.inbound.claim_idle_ms / 3000
        while True:
            await asyncio.sleep(interval)
            try:
                await self.inbound.keep_claimed(self.name, delivery)
            except Exception:  # a missed refresh only risks a second handler, which idempotency absorbs
                log.warning("could not refresh a delivery's claim", extra={"entry_id": delivery.entry_id})

    async def _handle(self, delivery: Delivery) -> None:
        keeper = asyncio.create_task(self._keep_claimed(delivery))
        try:
            attempts = await self.inbound.start_attempt(delivery)
            if attempts > self.inbound.max_attempts:
                last = await self.inbound.last_error(delivery) or "the worker handling it stopped"
                await self.inbound.dead_letter(delivery, f"failed {attempts - 1} times; last error: {last}")
                self.metrics.dead_letters.inc()
                log.error("delivery dead-lettered", extra={"entry_id": delivery.entry_id, "attempts": attempts})
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
            await self.dispatcher.handle_delivery(delivery.channel, payload, delivery.received_at_ms)
            await self.inbound.ack(delivery)
        except Exception as exc:
            log.exception("delivery failed; it will be retried", extra={"entry_id": delivery.entry_id})
            try:
                await self.inbound.note_failure(delivery, f"{type(exc).__name__}: {exc}")
            except Exception:
                log.warning("could not record a delivery's error", extra={"entry_id": delivery.entry_id})
        finally:
            keeper.cancel()
            self._in_flight.discard(delivery.entry_id)
            self._slots.release()
