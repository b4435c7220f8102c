"""Replies sent twice when Graph answers after the client's timeout: Meta takes every send, but its answer comes
only after the platform stopped waiting. Run with Meta's echoes reaching the webhook, and without them.

The client timeout is scaled down from the platform's 10 s to CLIENT_TIMEOUT_S (Graph answering GRAPH_DELAY_S
later) so a run takes seconds; the wait for Meta's report of an unanswered send is the platform's own (30 s).

    python bench/slow_graph_duplicates.py        (target: 0 customers answered twice with echoes)
"""

from __future__ import annotations

import asyncio
import time
from contextlib import AsyncExitStack

import _harness  # noqa: F401  (puts the project on sys.path)
import aiohttp
from _harness import (
    APP_SECRET,
    Row,
    embedded_servers,
    expect_status,
    format_rows,
    messenger_text,
    quiet_logs,
    seed_tenant,
    serve,
    signed,
)

from bot.conversations.sending import REPORT_WAIT_S
from bot.inbound.stream import InboundStream
from bot.inbound.worker import Worker
from bot.runtime.engine import build_engine
from bot.runtime.host import SERVICES
from channels.graph import GraphClient
from tests.fakes_meta import FakeGraph, GraphCall
from tests.whole_app import create_app

CUSTOMERS = 100
CLIENT_TIMEOUT_S = 1.0
GRAPH_DELAY_S = 1.6
PAGE_ID = "1234567890"
APP_ID = "111222333"


def echo_poster(session: aiohttp.ClientSession, webhook_url: str):
    """What Meta does once it took a send: the echo (with our metadata) to the page's webhook."""

    async def on_send(call: GraphCall, message_id: str) -> None:
        message = call.json.get("message") or {}
        now = int(time.time() * 1000)
        body = {
            "object": "page",
            "entry": [
                {
                    "id": PAGE_ID,
                    "time": now,
                    "messaging": [
                        {
                            "sender": {"id": PAGE_ID},
                            "recipient": {"id": call.json["recipient"]["id"]},
                            "timestamp": now,
                            "message": {
                                "is_echo": True,
                                "app_id": int(APP_ID),
                                "mid": message_id,
                                "text": message.get("text", ""),
                                "metadata": message.get("metadata", ""),
                            },
                        }
                    ],
                }
            ],
        }
        raw, headers = signed(body)
        async with session.post(webhook_url, data=raw, headers=headers) as response:
            expect_status(response.status, 200)

    return on_send


async def run(servers, echoes: bool, customers: int = CUSTOMERS) -> tuple[int, float, int]:
    """(customers who got more than one reply, seconds until every customer had one, sends made)."""
    async with AsyncExitStack() as stack:
        fake = FakeGraph(delay_s=GRAPH_DELAY_S)
        graph_url = await serve(fake.app(), stack) + "/v21.0"
        app = create_app(servers.settings(graph_api_url=graph_url, meta_app_id=APP_ID), run_worker=False)
        base = await serve(app, stack)
        session = await stack.enter_async_context(aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)))
        if echoes:
            fake.on_send = echo_poster(session, f"{base}/webhooks/messenger")
        await seed_tenant(session, base, [PAGE_ID])
        services = app[SERVICES]
        services.graph = GraphClient(services.http, str(services.settings.graph_base), timeout_s=CLIENT_TIMEOUT_S)
        engine = build_engine(services)
        worker = Worker(InboundStream(services.redis), engine.dispatcher, services.metrics, name="bench", gate=engine.gate)
        task = asyncio.create_task(worker.run())
        psids = [f"{900000 + i}" for i in range(customers)]
        started = time.perf_counter()
        for psid in psids:
            raw, headers = signed(messenger_text("How much is the pass?", PAGE_ID, psid))
            async with session.post(f"{base}/webhooks/messenger", data=raw, headers=headers) as response:
                expect_status(response.status, 200)
        while len({c.json["recipient"]["id"] for c in fake.sends()}) < customers:
            await asyncio.sleep(0.05)
        everyone = time.perf_counter() - started
        # Barrier: every delivery handled and acknowledged, nothing left waiting for a report.
        while await services.redis.xlen("inbound") or await InboundStream(services.redis).pending_count():
            await asyncio.sleep(0.1)
        await worker.stop()
        await task
        counts: dict[str, int] = {}
        for call in fake.sends():
            counts[call.json["recipient"]["id"]] = counts.get(call.json["recipient"]["id"], 0) + 1
        return sum(1 for n in counts.values() if n > 1), everyone, len(fake.sends())


async def rows(quick: bool) -> list[Row]:
    customers = CUSTOMERS // 5 if quick else CUSTOMERS
    quiet_logs()
    async with embedded_servers() as servers:
        twice, _, _ = await run(servers, echoes=True, customers=customers)
        twice_without, _, _ = await run(servers, echoes=False, customers=customers)
    return [
        Row(
            f"customers answered twice when Graph answers after the client's timeout (Meta's echoes on; {customers} customers)",
            twice,
            f"of {customers}",
            twice_without,
            "echoes off",
            "0",
            twice == 0,
        )
    ]


async def main() -> None:
    print(
        f"customers: {CUSTOMERS}; client timeout {CLIENT_TIMEOUT_S:.1f} s, Graph answers after {GRAPH_DELAY_S:.1f} s "
        f"(every send taken); wait for Meta's report {REPORT_WAIT_S:.0f} s; app secret {APP_SECRET!r} signs the echoes"
    )
    print(format_rows(await rows(quick=False)))


if __name__ == "__main__":
    asyncio.run(main())
