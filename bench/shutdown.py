"""SIGTERM to `python -m bot serve` while turns are sending (Graph takes GRAPH_DELAY_S per send) and more deliveries
wait out their debounce window: seconds until the process exits, what it finished, what it left for another worker,
and whether that worker answered each customer once.

    python bench/shutdown.py        (target: running turns finish, exit within 10 s, no reply lost or doubled)
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from contextlib import AsyncExitStack

import _harness  # noqa: F401  (puts the project on sys.path)
import aiohttp
import redis.asyncio as aioredis
from _harness import (
    ROOT,
    Row,
    TimedGraph,
    embedded_servers,
    expect_status,
    format_rows,
    messenger_text,
    platform_env,
    seed_tenant,
    serve,
    signed,
    spawn,
)

from bot.runtime.embedded import free_port

RUNNING = 10
WAITING = 10
GRAPH_DELAY_S = 3.0
DEBOUNCE_MS = 1500
PAGE_ID = "5000000001"


async def until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def rows(quick: bool) -> list[Row]:  # noqa: ARG001 # every bench's rows() takes quick
    """One run (`quick` changes nothing: it takes about half a minute)."""
    async with embedded_servers() as servers, AsyncExitStack() as stack:
        graph = TimedGraph()
        graph.fake.delay_s = GRAPH_DELAY_S
        settings = servers.settings(graph_api_url=await serve(graph.app(), stack) + "/v21.0")
        port = free_port()
        web = spawn(
            [sys.executable, "-m", "bot", "serve", "--port", str(port)],
            cwd=ROOT,
            env=platform_env(settings, GROQ_API_KEY="", REPLY_DEBOUNCE_MS=str(DEBOUNCE_MS)),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        session = await stack.enter_async_context(aiohttp.ClientSession())
        redis = aioredis.Redis.from_url(settings.redis_url)
        stack.push_async_callback(redis.aclose)

        async def up() -> bool:
            try:
                async with session.get(f"{base}/readyz") as response:
                    return response.status == 200
            except aiohttp.ClientError:
                return False

        await until(up, 30, "serve ready")
        await seed_tenant(session, base, [PAGE_ID])

        async def post(psid: str) -> None:
            raw, headers = signed(messenger_text("How much is the pass?", PAGE_ID, psid))
            async with session.post(f"{base}/webhooks/messenger", data=raw, headers=headers) as response:
                expect_status(response.status, 200)

        running = [f"{600000 + i}" for i in range(RUNNING)]
        waiting = [f"{610000 + i}" for i in range(WAITING)]
        for psid in running:
            await post(psid)

        async def sending() -> bool:
            return len(graph.fake.sends()) >= RUNNING

        await until(sending, 30, "the first turns sending")
        for psid in waiting:
            await post(psid)
        asked = time.perf_counter()
        web.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(web.wait, 60)
        exit_s = time.perf_counter() - asked
        finished = len(graph.fake.sends())
        left = int(await redis.xlen("inbound"))

        worker = spawn(
            [sys.executable, "-m", "bot", "worker"],
            cwd=ROOT,
            env=platform_env(settings, GROQ_API_KEY="", REPLY_DEBOUNCE_MS=str(DEBOUNCE_MS)),
            stdin=subprocess.DEVNULL,
        )
        try:

            async def all_answered() -> bool:
                return len({c.json["recipient"]["id"] for c in graph.fake.sends()}) >= RUNNING + WAITING and not await redis.xlen(
                    "inbound"
                )

            await until(all_answered, 90, "every customer answered by the next worker")
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        counts: dict[str, int] = {}
        for call in graph.fake.sends():
            counts[call.json["recipient"]["id"]] = counts.get(call.json["recipient"]["id"], 0) + 1

    customers = RUNNING + WAITING
    once = sum(1 for n in counts.values() if n == 1)
    twice = sum(1 for n in counts.values() if n > 1)
    return [
        Row(
            f"SIGTERM to exit of serve with {RUNNING} turns mid-send and {WAITING} deliveries in their debounce window",
            exit_s,
            f"s (exit code {code})",
            None,
            "",
            "<= 10 s",
            exit_s <= 10 and code == 0,
        ),
        Row("… running turns finished before the exit", finished, f"of {RUNNING}", None, "", "all", finished >= RUNNING),
        Row("… deliveries left pending for another worker", left, f"of {WAITING}"),
        Row(
            "… customers answered exactly once, after the next worker ran",
            once,
            f"of {customers}",
            None,
            "",
            "all",
            once == customers,
        ),
        Row("… customers answered twice", twice, "", None, "", "0", twice == 0),
    ]


async def main() -> None:
    print(format_rows(await rows(quick=False)))


if __name__ == "__main__":
    asyncio.run(main())
