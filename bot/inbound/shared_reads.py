"""Reads shared between the deliveries a worker handles at once.

A read that began after a delivery began saw every change committed before that delivery was picked up,
so it is as current for that delivery as a read of its own. A burst of deliveries naming one page then
costs one query, not one each, and no delivery ever acts on state older than itself.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


@dataclass
class _Read(Generic[V]):
    began_at: float  # time.monotonic() when the query was sent
    task: asyncio.Task[V]


class SharedReads(Generic[K, V]):
    def __init__(self, load: Callable[[K], Awaitable[V]], *, max_keys: int = 4096) -> None:
        self._load = load
        self._max_keys = max_keys
        self._reads: OrderedDict[K, _Read[V]] = OrderedDict()

    async def get(self, key: K, fresh_since: float) -> V:
        """The value of `key` as read at or after `fresh_since` (a time.monotonic() reading)."""
        read = self._reads.get(key)
        if read is None or read.began_at < fresh_since or _failed(read.task):
            read = _Read(time.monotonic(), asyncio.ensure_future(self._load(key)))
            self._reads[key] = read
            while len(self._reads) > self._max_keys:
                self._reads.popitem(last=False)
        self._reads.move_to_end(key)
        # Shielded: a caller that is cancelled must not cancel the read the others are waiting for.
        return await asyncio.shield(read.task)


def _failed(task: asyncio.Task[V]) -> bool:
    return task.done() and (task.cancelled() or task.exception() is not None)
