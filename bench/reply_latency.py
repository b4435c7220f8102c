"""Offline reply latency: webhook POST until the fake Graph receives the send, one message at a time.

Each message comes from a new customer (so each pays its profile lookup and conversation creation). Customers
are spread over 10 pages so Meta's per-page send pacing (20/s) does not enter the figure.

    python bench/reply_latency.py        (targets: p50 <= 50 ms, p99 <= 250 ms)
"""

from __future__ import annotations

import asyncio
import time
from contextlib import AsyncExitStack
from typing import Any

import _harness  # noqa: F401  (puts the project on sys.path)
import aiohttp
import redis.asyncio as aioredis
from _harness import (
    Row,
    TimedGraph,
    embedded_servers,
    expect_status,
    format_rows,
    messenger_text,
    percentile,
    seed_tenant,
    serve,
    signed,
)

from tests.whole_app import create_app

MESSAGES = 200
PAGES = [str(2000000000 + i) for i in range(10)]
# Customers ask different things: a price, a refund term, a wish to buy, a follow-up-free chat line.
QUESTIONS = (
    "How much is the yoga pass?",
    "Can I get my money back if I stop going?",
    "I'd like to sign up",
    "Are you open on Sundays?",
)


class Timed:
    """Wraps a function to note how long each call takes (in ms)."""

    def __init__(self, function):
        self.function = function
        self.times: list[float] = []

    def __call__(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return self.function(*args, **kwargs)
        finally:
            self.times.append((time.perf_counter() - started) * 1000)


async def stream_round_trip(redis_url: str, rounds: int = 200) -> list[float]:
    """The bare queue: XADD then XREADGROUP of that entry, and its ack, on the same Redis."""
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    try:
        await redis.xgroup_create("bench:stream", "g", id="0", mkstream=True)
        times = []
        for i in range(rounds):
            started = time.perf_counter()
            await redis.xadd("bench:stream", {"body": f"message {i}"})
            response = await redis.xreadgroup("g", "c", {"bench:stream": ">"}, count=1, block=1000)
            entry_id: Any = response[0][1][0][0]  # type: ignore[index]  # redis-py types every reply shape at once
            await redis.xack("bench:stream", "g", entry_id)
            times.append((time.perf_counter() - started) * 1000)
        await redis.delete("bench:stream")
        return times
    finally:
        await redis.aclose()


async def rows(quick: bool) -> list[Row]:
    import importlib

    messages = MESSAGES // 4 if quick else MESSAGES
    compose = importlib.import_module("bot.pipeline.compose")
    verify_module = importlib.import_module("bot.pipeline.verify")

    # Everything a reply passes before it is sent, and the money guard inside it: the rest is the claim check.
    whole_check = Timed(verify_module.verify)
    money_guard = Timed(verify_module.check_reply)
    compose.verify = whole_check  # type: ignore[attr-defined]
    verify_module.check_reply = money_guard  # type: ignore[attr-defined]
    async with embedded_servers() as servers, AsyncExitStack() as stack:
        graph = TimedGraph()
        graph_url = await serve(graph.app(), stack)
        base = await serve(create_app(servers.settings(graph_api_url=graph_url + "/v21.0")), stack)
        session = await stack.enter_async_context(aiohttp.ClientSession())
        await seed_tenant(session, base, PAGES)

        # The first turn of a process loads the language models: one message first, answered before timing starts.
        raw, headers = signed(messenger_text(QUESTIONS[0], PAGES[0], "PSIDWARM"))
        async with session.post(f"{base}/webhooks/messenger", data=raw, headers=headers) as response:
            expect_status(response.status, 200)
        for _ in range(600):
            if "PSIDWARM" in graph.arrived:
                break
            await asyncio.sleep(0.1)
        whole_check.times.clear()
        money_guard.times.clear()

        latencies: list[float] = []
        for i in range(messages):
            psid = f"PSID{i:06d}"
            raw, headers = signed(messenger_text(QUESTIONS[i % len(QUESTIONS)], PAGES[i % len(PAGES)], psid))
            started = time.perf_counter()
            async with session.post(f"{base}/webhooks/messenger", data=raw, headers=headers) as response:
                expect_status(response.status, 200)
            deadline = started + 10
            while psid not in graph.arrived:
                if time.perf_counter() > deadline:
                    raise SystemExit(f"no reply to message {i} within 10 s")
                await asyncio.sleep(0.001)
            latencies.append((graph.arrived[psid] - started) * 1000)
        baseline = await stream_round_trip(servers.redis_url)

    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    base50, base99 = percentile(baseline, 50), percentile(baseline, 99)
    checks = sorted(whole_check.times)
    claims = sorted(max(0.0, total - money) for total, money in zip(whole_check.times, money_guard.times, strict=False))
    bare = "bare XADD + XREADGROUP + XACK round trip"
    return [
        Row(
            f"reply latency p50 (webhook to send, offline, {messages} messages one at a time)",
            p50,
            "ms",
            base50,
            bare,
            "<= 50 ms",
            p50 <= 50,
        ),
        Row("… reply latency p99", p99, "ms", base99, bare, "<= 250 ms", p99 <= 250),
        Row("… reply checks per turn p50 (money guard and claim check)", percentile(checks, 50), "ms"),
        Row(
            "… claim check per turn p50",
            percentile(claims, 50),
            "ms",
            None,
            "",
            "<= 10 ms",
            percentile(claims, 50) <= 10,
        ),
    ]


async def main() -> None:
    print(format_rows(await rows(quick=False)))


if __name__ == "__main__":
    asyncio.run(main())
