"""Send pacing at Meta's documented limits, shared by every worker through Redis: the schedule never puts more than
the limit in any second, and a rate-limit answer slows and pauses the account for all workers."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest

from channels.outbound import SendRequest
from channels.pacing import SendPacer, limit_for, schedule_for, send_kind, slowed_rate
from channels.registry import channel_named


@dataclass
class Planned:
    """Records when each reserved send would go (the moment of the call plus the wait), without waiting."""

    at: list[float] = field(default_factory=list)
    _called: float = 0.0

    async def sleep(self, seconds: float) -> None:
        self.at[-1] += seconds

    def called(self) -> None:
        self.at.append(time.monotonic())


def most_in_one_second(times: list[float]) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


async def _reserve(pacers: list[SendPacer], plan: Planned, count: int, platform: str, kind: str = "text") -> None:
    for i in range(count):
        plan.called()
        await pacers[i % len(pacers)].wait_for_slot(platform, "PAGE_1", kind)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("platform", "kind", "limit"),
    [("facebook", "text", 300), ("instagram", "text", 300), ("whatsapp", "text", 80), ("facebook", "media", 10)],
)
async def test_workers_together_keep_to_metas_limit_per_account(redis, platform, kind, limit):
    plan = Planned()
    workers = [SendPacer(redis, sleep=plan.sleep) for _ in range(3)]
    await _reserve(workers, plan, 2 * limit + 5, platform, kind)
    assert limit_for(platform, kind) == limit
    assert most_in_one_second(plan.at) <= limit
    # And it is the limit that holds them back, not a slower pace: the first second carries nearly all of it.
    assert sum(at - plan.at[0] < 1.0 for at in plan.at) >= int(limit * 0.85)


async def test_accounts_and_kinds_are_paced_apart(redis):
    plan = Planned()
    pacer = SendPacer(redis, sleep=plan.sleep)
    for i in range(300):
        plan.called()
        await pacer.wait_for_slot("facebook", f"PAGE_{i % 2}")
    # Two pages share nothing: 150 sends each fit well inside one second.
    assert max(plan.at) - plan.at[0] < 1.0


async def test_a_rate_limit_halves_the_rate_and_pauses_every_worker(redis):
    plan = Planned()
    first, second = SendPacer(redis, sleep=plan.sleep), SendPacer(redis, sleep=plan.sleep)
    rate = await first.slow_down("whatsapp", "PAGE_1", "text", pause_s=2.0)
    assert rate == slowed_rate(schedule_for(80).rate, 80) == 36.0
    await _reserve([second], plan, 40, "whatsapp")
    assert plan.at[0] - time.monotonic() > 1.5  # the other worker waits out the pause too
    assert most_in_one_second(plan.at) <= 36 + schedule_for(80).burst
    again = await second.slow_down("whatsapp", "PAGE_1", "text", pause_s=0)
    assert again == 18.0


def test_audio_and_video_are_paced_as_media() -> None:
    [text] = channel_named("messenger").build_send_requests("P", "U", "hello")
    assert send_kind(text) == "text"
    video = SendRequest(
        path="/me/messages",
        auth="access_token",
        body={"recipient": {"id": "U"}, "message": {"attachment": {"type": "video", "payload": {"url": "https://x"}}}},
    )
    audio = SendRequest(
        path="/1/messages", auth="bearer", body={"messaging_product": "whatsapp", "type": "audio", "audio": {"id": "m"}}
    )
    image = SendRequest(path="/me/messages", auth="access_token", body={"message": {"attachment": {"type": "image"}}})
    assert (send_kind(video), send_kind(audio), send_kind(image)) == ("media", "media", "text")


def test_the_schedule_never_exceeds_the_limit_in_a_second() -> None:
    for limit in (10, 80, 300):
        schedule = schedule_for(limit)
        assert schedule.rate + schedule.burst <= limit
        assert schedule.rate >= limit * 0.85
