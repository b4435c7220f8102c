"""Stopping without losing a turn: turns start only while the gate is open, and a closed gate lets the turns
already running finish while everything else stops where it is.

A turn (the conversation's lock, the reply pipeline, the send, its record) runs in a task of its own that the
delivery awaits through a shield: cancelling the delivery's handling on SIGTERM never cuts a turn in the middle of
a send. A turn still waiting for its conversation's lock when the gate closes does not start.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, nullcontext
from contextvars import ContextVar
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
L = TypeVar("L")

# The stream entry whose handling is running (set by the worker): a turn knows the delivery it answers.
current_delivery: ContextVar[str] = ContextVar("current_delivery", default="")
# How a delivery gives its worker slot back while it only waits (a burst's debounce window), and takes one again
# before it goes on (set by the worker; None: nothing to give back).
resting_slot: ContextVar[Callable[[], AbstractAsyncContextManager[None]] | None] = ContextVar("resting_slot", default=None)


def resting() -> AbstractAsyncContextManager[None]:
    """Around a wait that needs no CPU nor store: the delivery's worker slot serves another meanwhile."""
    rest = resting_slot.get()
    return rest() if rest is not None else nullcontext()


class ShuttingDown(Exception):
    """The process is stopping: this delivery is left pending for another worker, its attempt not counted."""


class TurnGate:
    def __init__(self) -> None:
        self._open = True
        self._turns: dict[asyncio.Task[Any], bool] = {}  # each turn's task: True once it holds its lock and runs
        self._deliveries: dict[asyncio.Task[Any], str] = {}  # the stream entry each turn answers

    @property
    def open(self) -> bool:
        return self._open

    async def run(self, lock: Callable[[], AbstractAsyncContextManager[L]], turn: Callable[[L], Awaitable[T]]) -> T:
        """`turn(held)` under `lock()` (`held`: what the lock yields), unless the gate closed first (ShuttingDown).
        The caller may be cancelled; the turn, once started, is not (see `drain`)."""
        if not self._open:
            raise ShuttingDown("not starting a turn: the process is stopping")

        async def locked_turn() -> T:
            async with lock() as held:
                if not self._open:
                    raise ShuttingDown("not starting a turn: the process is stopping")
                self._turns[task] = True
                return await turn(held)

        task: asyncio.Task[T] = asyncio.ensure_future(locked_turn())
        self._turns[task] = False
        self._deliveries[task] = current_delivery.get()
        task.add_done_callback(self._forget)
        return await asyncio.shield(task)

    def _forget(self, task: asyncio.Task[Any]) -> None:
        self._turns.pop(task, None)
        self._deliveries.pop(task, None)
        if not task.cancelled():
            task.exception()  # its delivery hears of it when still waiting; a stopped one is retried anyway

    def close(self) -> None:
        """No turn starts from now on; turns still waiting for their lock are stopped."""
        self._open = False
        for task, running in list(self._turns.items()):
            if not running:
                task.cancel()

    def busy_deliveries(self) -> set[str]:
        """The stream entries a running turn is answering."""
        return {self._deliveries[task] for task, running in self._turns.items() if running and task in self._deliveries}

    async def drain(self, grace_s: float) -> int:
        """Wait up to `grace_s` for the running turns to finish; the ones still running then are cancelled. How many
        were cancelled."""
        waiting = list(self._turns)
        if not waiting:
            return 0
        _, late = await asyncio.wait(waiting, timeout=grace_s)
        for task in late:
            task.cancel()
        if late:
            log.warning("turns cut short at shutdown", extra={"turns": len(late), "grace_s": grace_s})
            await asyncio.wait(late, timeout=2)
        return len(late)
