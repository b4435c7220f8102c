"""10,000 planned nudges, due over a few minutes, sent by two `python -m bot worker` processes, one of which is
stopped (SIGTERM) and started again halfway: how late each nudge reached Meta, and whether each went exactly once.

Lateness is when the fake Graph received the nudge minus when it was due. The baseline, measured in the same run
against the same fake Graph: this process alone sends the same schedule straight to Graph from asyncio timers (no
store, no claim, no conversation read), so the ratio says what durable scheduling adds to sending on time.

    python bench/follow_ups.py [NUDGES] [SPREAD_S]      (defaults 10000 over 180 s; target: once each, p99 in seconds)
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
import uuid
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Any

import _harness  # noqa: F401  (puts the project on sys.path)
import aiohttp
from _harness import CAMPAIGN, ROOT, embedded_servers, expect_status, percentile, platform_env, serve, spawn
from pymongo import AsyncMongoClient

from bot.runtime.embedded import free_port
from tests.fakes_meta import FakeGraph

PAGE_ID = "5000000077"
LEAD_S = 5.0  # from planting the schedule to its first nudge, beside the time planting takes
PLANTED_PER_S = 400
RESTART_AT = 0.5  # share of the spread after which the second worker is stopped and started again


async def until(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def seed(session: aiohttp.ClientSession, base: str) -> str:
    """A business with a campaign that nudges after a price, and its page; the tenant's id."""
    response = await session.post(
        f"{base}/api/signup",
        json={
            "email": f"bench-{uuid.uuid4().hex[:8]}@example.com",
            "password": "correct horse battery",
            "business_name": "Sunrise Yoga",
        },
    )
    expect_status(response.status, 201, detail=await response.text())
    body = await response.json()
    headers = {"Authorization": f"Bearer {body['api_token']}"}
    campaign = {**CAMPAIGN, "follow_ups": [{"after_minutes": 60, "after": "price"}]}
    response = await session.post(f"{base}/api/campaigns", json=campaign, headers=headers)
    expect_status(response.status, 201, detail=await response.text())
    campaign_id = (await response.json())["id"]
    response = await session.post(
        f"{base}/api/channels",
        json={"platform": "facebook", "account_id": PAGE_ID, "access_token": "EAAbench-token-follow-ups"},
        headers=headers,
    )
    expect_status(response.status, 201, detail=await response.text())
    return f"{body['tenant_id']}:{campaign_id}"


def schedule(count: int, start_s: float, spread_s: float) -> list[float]:
    """Due times (epoch seconds), evenly spread."""
    return [start_s + spread_s * n / count for n in range(count)]


async def plant(db: Any, tenant_id: str, campaign_id: str, due: list[float], prefix: str = "PSID_BENCH_") -> dict[str, float]:
    """Conversations whose bot reply stated a price a while ago, each with its nudge planned; customer → due time."""
    now_ms = int(time.time() * 1000)
    docs, due_of = [], {}
    for n, at in enumerate(due):
        customer = f"{prefix}{n:05d}"
        due_of[customer] = at
        docs.append(
            {
                "_id": uuid.uuid4().hex,
                "tenant_id": tenant_id,
                "platform": "facebook",
                "account_id": PAGE_ID,
                "customer_id": customer,
                "status": "bot",
                "campaign_id": campaign_id,
                "created_at": datetime.now(UTC),
                "last_message_at_ms": now_ms,
                "last_customer_at_ms": now_ms,
                "follow_up_due_ms": int(at * 1000),
                "follow_up_kind": "price",
                "follow_up_step": 0,
                "follow_up_id": uuid.uuid4().hex,
                "follow_up_template": False,
                "follow_up_language": "en",
                "follow_up_from_ms": now_ms,
            }
        )
    for start in range(0, len(docs), 1000):
        await db.conversations.insert_many(docs[start : start + 1000])
    return due_of


async def baseline(graph_url: str, due: list[float]) -> list[float]:
    """The same schedule sent straight to Graph from timers in this process: the lateness of each send."""
    late: list[float] = []
    gate = asyncio.Semaphore(64)
    async with aiohttp.ClientSession() as session:

        async def one(n: int, at: float) -> None:
            await asyncio.sleep(max(0.0, at - time.time()))
            async with gate:
                body = {"recipient": {"id": f"PSID_BASE_{n:05d}"}, "messaging_type": "RESPONSE", "message": {"text": "x"}}
                async with session.post(f"{graph_url}/me/messages", params={"access_token": "EAAbase"}, json=body) as response:
                    await response.read()
            late.append(time.time() - at)

        await asyncio.gather(*(one(n, at) for n, at in enumerate(due)))
    return late


async def main(count: int, spread_s: float) -> None:
    async with embedded_servers() as servers, AsyncExitStack() as stack:
        graph = FakeGraph()
        arrived: dict[str, float] = {}
        sends: dict[str, int] = {}

        async def note(call: Any, message_id: str) -> None:  # noqa: ARG001 # every on_send hook is given the message id
            recipient = (call.json.get("recipient") or {}).get("id", "")
            arrived.setdefault(recipient, time.time())
            sends[recipient] = sends.get(recipient, 0) + 1

        graph.on_send = note
        graph_url = await serve(graph.app(), stack) + "/v21.0"
        settings = servers.settings(graph_api_url=graph_url)
        env = platform_env(settings, LOG_LEVEL="ERROR")

        base_due = schedule(count, time.time() + 2.0, spread_s / 4)
        base_late = await baseline(graph_url, base_due)
        print(
            f"baseline: {count} sends over {spread_s / 4:.0f} s from timers, p50 {percentile(base_late, 50) * 1000:.1f} ms, "
            f"p99 {percentile(base_late, 99) * 1000:.1f} ms",
            flush=True,
        )

        port = free_port()
        web = spawn(
            [sys.executable, "-m", "bot", "serve", "--no-worker", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        stack.callback(web.wait)
        stack.callback(web.terminate)
        session = await stack.enter_async_context(aiohttp.ClientSession())

        async def up() -> bool:
            try:
                async with session.get(f"http://127.0.0.1:{port}/readyz") as response:
                    return response.status == 200
            except aiohttp.ClientError:
                return False

        await until(up, 60, "the web process")
        tenant_id, campaign_id = (await seed(session, f"http://127.0.0.1:{port}")).split(":")
        mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongodb_uri)
        stack.push_async_callback(mongo.close)
        db = mongo[settings.mongodb_db]

        def worker() -> subprocess.Popen[bytes]:
            return spawn([sys.executable, "-m", "bot", "worker"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL)

        # The workers start (their language models load before they schedule nudges); a first nudge sent says they
        # are scheduling, and the measured schedule starts a few seconds later.
        workers = [worker(), worker()]
        started = time.monotonic()
        canaries = await plant(db, tenant_id, campaign_id, [time.time()], prefix="PSID_CANARY_")

        async def scheduling() -> bool:
            return all(customer in arrived for customer in canaries)

        await until(scheduling, 300, "the workers to schedule")
        print(f"workers scheduling {time.monotonic() - started:.1f} s after their start", flush=True)
        # Planting takes a while on the embedded MongoDB (about 1,000 conversations a second on a busy machine).
        due = schedule(count, time.time() + LEAD_S + count / PLANTED_PER_S, spread_s)
        due_of = await plant(db, tenant_id, campaign_id, due)
        print(f"planted {count} nudges due over {spread_s:.0f} s, the first in {due[0] - time.time():.1f} s", flush=True)
        await asyncio.sleep(max(0.0, due[0] + spread_s * RESTART_AT - time.time()))
        workers[1].send_signal(signal.SIGTERM)
        stopped = time.monotonic()
        await asyncio.to_thread(workers[1].wait, 60)
        print(f"worker 2 stopped (SIGTERM) in {time.monotonic() - stopped:.1f} s; started again", flush=True)
        workers[1] = worker()

        async def all_sent() -> bool:
            return all(customer in arrived for customer in due_of)

        await until(all_sent, spread_s + 300, "every nudge")
        await asyncio.sleep(3)  # a second send of any of them would come now
        for process in workers:
            process.send_signal(signal.SIGTERM)
        for process in workers:
            await asyncio.to_thread(process.wait, 60)

        late = [arrived[customer] - at for customer, at in due_of.items()]
        twice = sum(1 for customer in due_of if sends.get(customer, 0) > 1)
        early = sum(1 for value in late if value < -0.001)
        p99, base_p99 = percentile(late, 99), percentile(base_late, 99)
        print(
            f"platform: {sum(1 for c in due_of if c in arrived)} of {count} sent, {twice} more than once, {early} early; lateness p50 "
            f"{percentile(late, 50) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {max(late) * 1000:.0f} ms",
            flush=True,
        )
        quarters = [late[q * len(late) // 4 : (q + 1) * len(late) // 4] for q in range(4)]
        print(
            "p99 lateness by quarter of the schedule: " + ", ".join(f"{percentile(q, 99) * 1000:.0f} ms" for q in quarters),
            flush=True,
        )
        print(
            f"p99 lateness against the baseline's: {p99 / base_p99:.1f}x ({p99 * 1000:.0f} ms / {base_p99 * 1000:.1f} ms)",
            flush=True,
        )


if __name__ == "__main__":
    arguments = [float(value) for value in sys.argv[1:3]]
    asyncio.run(main(int(arguments[0]) if arguments else 10_000, arguments[1] if len(arguments) > 1 else 180.0))
