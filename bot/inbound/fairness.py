"""Every business gets its turn: deliveries a worker has read wait in one lane per connected account (a page, an
Instagram account, a WhatsApp number) and are started round-robin across lanes. The worker's slots are shared
equally among the lanes with work (running or waiting): a lane alone may use them all, and when another lane has
work it gets the next free slot while the first starts nothing new until it is within its share. A business whose
customers send thousands of messages in a burst then fills its own lane; another business's single message
waits for one free slot, not behind the whole burst.

Pure bookkeeping, no I/O: the worker reads, starts and finishes; the entries stay pending in the stream (durable,
claimed by this worker) while they wait here.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from channels.events import ChannelEvent

T = TypeVar("T")

# The lane of a delivery whose account cannot be read (a body that is not JSON, an unknown channel).
UNKNOWN_LANE = "?"


def lane_of(events: list[ChannelEvent]) -> str:
    """The lane of a delivery: the account its first event names, as `platform:account_id`."""
    for event in events:
        if event.account_id:
            return f"{event.platform}:{event.account_id}"
    return UNKNOWN_LANE


@dataclass
class _Lane(Generic[T]):
    waiting: deque[tuple[str, T]]
    running: int = 0


class FairQueue(Generic[T]):
    """Items (with their ids) waiting per lane; `take` gives the next one to start, round-robin over the lanes
    that have something waiting and run fewer than their share of the `slots`."""

    def __init__(self, slots: int) -> None:
        if slots < 1:
            raise ValueError("slots must be at least 1")
        self.slots = slots
        self._lanes: dict[str, _Lane[T]] = {}
        self._turns: OrderedDict[str, None] = OrderedDict()  # lanes with something waiting, next first
        self._ids: set[str] = set()
        self.running = 0

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._ids

    def put(self, lane: str, item_id: str, item: T) -> None:
        if item_id in self._ids:
            return
        state = self._lanes.setdefault(lane, _Lane(deque()))
        state.waiting.append((item_id, item))
        self._ids.add(item_id)
        self._turns.setdefault(lane, None)

    def take(self) -> tuple[str, T] | None:
        """The next item to start and its lane (counted as running until `done`), or None."""
        if self.running >= self.slots:
            return None
        share = max(1, self.slots // max(1, len(self._lanes)))
        for lane in list(self._turns):
            state = self._lanes[lane]
            if state.running >= share:
                continue
            item_id, item = state.waiting.popleft()
            self._ids.discard(item_id)
            state.running += 1
            self.running += 1
            del self._turns[lane]
            if state.waiting:
                self._turns[lane] = None  # to the back of the round
            return lane, item
        return None

    def resume(self, lane: str) -> bool:
        """An item of `lane` that gave its slot back (`done`) takes one again, ahead of anything waiting: False while
        every slot is taken."""
        if self.running >= self.slots:
            return False
        self._lanes.setdefault(lane, _Lane(deque())).running += 1
        self.running += 1
        return True

    def done(self, lane: str) -> None:
        """An item of `lane` that `take` gave finished."""
        state = self._lanes.get(lane)
        if state is None or not state.running:
            return
        state.running -= 1
        self.running -= 1
        if not state.running and not state.waiting:
            del self._lanes[lane]

    def waiting_ids(self) -> Iterator[str]:
        return iter(self._ids)

    def waiting_by_lane(self) -> dict[str, int]:
        return {lane: len(state.waiting) for lane, state in self._lanes.items() if state.waiting}

    def clear(self) -> list[Any]:
        """Forget every waiting item (the process stops: they stay pending in the stream); what was waiting."""
        items = [item for state in self._lanes.values() for _, item in state.waiting]
        for state in self._lanes.values():
            state.waiting.clear()
        self._turns.clear()
        self._ids.clear()
        return items
