"""Webhook acknowledgements per second: the real Messenger route (signature, parsing, durable XADD) against a
bare aiohttp handler answering 200, both on loopback and driven by the same client loop.

    python bench/webhook_ack_rate.py        (target: ratio >= 0.5)
"""

from __future__ import annotations

import asyncio
import time
from contextlib import AsyncExitStack

import _harness  # noqa: F401  (puts the project on sys.path)
import aiohttp
from _harness import Row, embedded_servers, expect_status, format_rows, messenger_text, serve, signed
from aiohttp import web

from tests.whole_app import create_app

REQUESTS = 3000
CONCURRENCY = 64
PAGE_ID = "1234567890"


async def drive(url: str, bodies: list[tuple[bytes, dict[str, str]]]) -> float:
    """Requests per second of POSTing every body, CONCURRENCY at a time."""
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as session:
        queue = iter(bodies)

        async def client() -> None:
            for raw, headers in queue:
                async with session.post(url, data=raw, headers=headers) as response:
                    await response.read()
                    expect_status(response.status, 200)

        for raw, headers in bodies[:CONCURRENCY]:  # warm the connections
            async with session.post(url, data=raw, headers=headers) as response:
                await response.read()
        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(CONCURRENCY)))
        return len(bodies) / (time.perf_counter() - started)


async def bare_ok(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(text="ok")


async def rows(quick: bool) -> list[Row]:
    requests = REQUESTS // 3 if quick else REQUESTS
    bodies = [signed(messenger_text(f"How much is the pass? {i}", PAGE_ID, f"PSID{i:06d}")) for i in range(requests)]
    async with embedded_servers() as servers, AsyncExitStack() as stack:
        bare = web.Application()
        bare.router.add_post("/webhooks/messenger", bare_ok)
        bare_url = await serve(bare, stack) + "/webhooks/messenger"
        real_url = await serve(create_app(servers.settings(), run_worker=False), stack) + "/webhooks/messenger"

        baseline = await drive(bare_url, bodies)
        real = await drive(real_url, bodies)
    return [
        Row(
            f"POST /webhooks/messenger acknowledged per second (signature, JSON, XADD; {requests:,} requests, {CONCURRENCY} at a time)",
            real,
            "req/s",
            baseline,
            "bare aiohttp handler answering 200",
            "ratio >= 0.5",
            real / baseline >= 0.5,
        )
    ]


async def main() -> None:
    print(format_rows(await rows(quick=False)))


if __name__ == "__main__":
    asyncio.run(main())
