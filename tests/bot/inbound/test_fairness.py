"""The worker's lanes: round-robin across accounts, a cap per lane, nothing taken twice or lost."""

from __future__ import annotations

import pytest

from bot.inbound.fairness import UNKNOWN_LANE, FairQueue, lane_of
from channels.events import InboundMessage


def test_a_single_message_behind_a_burst_is_taken_next() -> None:
    queue: FairQueue[str] = FairQueue(slots=4)
    for index in range(300):
        queue.put("facebook:flood", f"a{index}", f"flood {index}")
    queue.put("facebook:quiet", "b0", "quiet 0")
    first, second = queue.take(), queue.take()
    assert first == ("facebook:flood", "flood 0")
    assert second == ("facebook:quiet", "quiet 0")  # not behind the 299 others


def test_a_lane_alone_uses_every_slot_and_shares_them_once_another_has_work() -> None:
    queue: FairQueue[str] = FairQueue(slots=4)
    for index in range(10):
        queue.put("flood", f"f{index}", f"flood {index}")
    assert [queue.take() for _ in range(5)] == [("flood", f"flood {i}") for i in range(4)] + [None]
    queue.put("quiet", "q0", "quiet 0")
    queue.put("quiet", "q1", "quiet 1")
    assert queue.take() is None  # every slot is running
    queue.done("flood")
    assert queue.take() == ("quiet", "quiet 0")  # the freed slot goes to the other business
    queue.done("flood")
    assert queue.take() == ("quiet", "quiet 1")
    queue.put("quiet", "q2", "quiet 2")
    queue.done("flood")
    # Two slots each while both have work: the burst (1 running) gets the freed slot, the other (2) waits.
    assert queue.take() == ("flood", "flood 4")
    queue.done("quiet")
    assert queue.take() == ("quiet", "quiet 2")
    queue.done("quiet")
    queue.done("quiet")
    # Alone again: the burst may use every slot.
    assert [queue.take() for _ in range(3)] == [("flood", "flood 5"), ("flood", "flood 6"), None]
    assert len(queue) == 3


def test_order_within_a_lane_is_kept_and_every_item_is_taken_once() -> None:
    queue: FairQueue[str] = FairQueue(slots=1000)
    expected = {lane: [f"{lane}-{i}" for i in range(50)] for lane in ("a", "b", "c")}
    for i in range(50):
        for lane in expected:
            queue.put(lane, f"{lane}-{i}", f"{lane}-{i}")
    queue.put("a", "a-0", "a-0 again")  # read twice (claimed back): still once
    taken: dict[str, list[str]] = {"a": [], "b": [], "c": []}
    while (item := queue.take()) is not None:
        taken[item[0]].append(item[1])
    assert taken == expected
    assert len(queue) == 0 and "a-0" not in queue


def test_clearing_forgets_what_waits() -> None:
    queue: FairQueue[str] = FairQueue(slots=1)
    queue.put("a", "1", "one")
    queue.put("a", "2", "two")
    assert queue.take() == ("a", "one")
    assert queue.clear() == ["two"]
    assert queue.take() is None and queue.waiting_by_lane() == {}


def test_the_lane_is_the_account_the_events_name() -> None:
    event = InboundMessage(platform="facebook", account_id="123", customer_id="c", timestamp_ms=1, message_id="m", text="hi")
    assert lane_of([event]) == "facebook:123"
    assert lane_of([]) == UNKNOWN_LANE


def test_no_slots_is_refused() -> None:
    with pytest.raises(ValueError):
        FairQueue(slots=0)


def test_a_resting_item_takes_a_slot_again_only_when_one_is_free() -> None:
    queue: FairQueue[str] = FairQueue(slots=2)
    for index in range(3):
        queue.put("a", str(index), f"item {index}")
    assert queue.take() == ("a", "item 0")
    queue.done("a")  # item 0 rests: its slot serves item 1 and item 2
    assert queue.take() == ("a", "item 1")
    assert queue.take() == ("a", "item 2")
    assert not queue.resume("a")  # item 0 back from its rest: no slot until one finishes
    queue.done("a")
    assert queue.resume("a")
    assert queue.running == 2
