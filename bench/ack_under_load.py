"""Webhook acknowledgements per second while a 2,000-message burst is being answered, against a bare aiohttp
handler answering 200 under the same load: `serve` with its in-process worker (how the Procfile's `web` ran
before) beside `serve --no-worker` with a separate `python -m bot worker` process (the Procfile's `web` and
`worker` now).

Every server is a process of its own (the platform, its worker, the bare handler, a fake Graph API); the embedded
MongoDB-wire server and Redis are shared. The bench's own process only sends requests.

    python bench/ack_under_load.py [--workers N]      (target: ratio >= 0.5 with separate workers)
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from dataclasses import dataclass

import _harness  # noqa: F401  (puts the project on sys.path)
import aiohttp
import redis.asyncio as aioredis
from _harness import (
    CODE,
    ROOT,
    Row,
    Servers,
    embedded_servers,
    expect_status,
    messenger_text,
    platform_env,
    seed_tenant,
    signed,
    spawn,
    wait_listening,
)

from bot.runtime.embedded import free_port

BURST = 2000
MEASURED = 3000
CONCURRENCY = 64
SLICES = 4
PAGES = [str(4000000000 + i) for i in range(10)]
UNCONNECTED_PAGE = "4999999999"
WORKERS = int(sys.argv[sys.argv.index("--workers") + 1]) if "--workers" in sys.argv else 1

BARE = """
import sys, uvloop
from aiohttp import web
async def ok(request):
    await request.read()
    return web.Response(text="ok")
app = web.Application()
app.router.add_post("/webhooks/messenger", ok)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None, backlog=1024, loop=uvloop.new_event_loop())
"""

GRAPH = """
import sys, uvloop
sys.path.insert(0, sys.argv[2])
from aiohttp import web
from tests.fakes_meta import FakeGraph
web.run_app(FakeGraph().app(), host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None, backlog=1024,
            loop=uvloop.new_event_loop())
"""


@dataclass
class Processes:
    procs: list[subprocess.Popen[bytes]]

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def drive(url: str, bodies: list[tuple[bytes, dict[str, str]]]) -> float:
    """Requests per second of POSTing every body, CONCURRENCY at a time (connections warmed first)."""
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as session:
        queue = iter(bodies)

        async def client() -> None:
            for raw, headers in queue:
                async with session.post(url, data=raw, headers=headers) as response:
                    await response.read()
                    expect_status(response.status, 200)

        for raw, headers in bodies[:CONCURRENCY]:
            async with session.post(url, data=raw, headers=headers) as response:
                await response.read()
        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(CONCURRENCY)))
        return len(bodies) / (time.perf_counter() - started)


async def backlog(redis: aioredis.Redis) -> int:
    """Deliveries not yet acknowledged by a worker."""
    return int(await redis.xlen("inbound"))


async def measure(servers: Servers, *, separate: bool, burst_size: int = BURST, measured: int = MEASURED) -> dict[str, float]:
    graph_port, web_port, bare_port = free_port(), free_port(), free_port()
    settings = servers.settings(graph_api_url=f"http://127.0.0.1:{graph_port}/v21.0", log_level="ERROR")
    env = platform_env(settings, GROQ_API_KEY="")
    serve = [sys.executable, "-m", "bot", "serve", "--port", str(web_port), *(["--no-worker"] if separate else [])]
    procs = [
        spawn([sys.executable, "-c", GRAPH, str(graph_port), str(ROOT)], cwd=ROOT, stdin=subprocess.DEVNULL),
        spawn([sys.executable, "-c", BARE, str(bare_port)], cwd=ROOT, stdin=subprocess.DEVNULL),
        spawn(serve, cwd=CODE, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL),  # its banner is no figure
    ]
    running = Processes(procs)
    redis = aioredis.Redis.from_url(settings.redis_url)
    try:
        base, bare = f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{bare_port}/webhooks/messenger"
        await wait_listening(f"{base}/healthz")
        async with aiohttp.ClientSession() as session:
            await seed_tenant(session, base, PAGES)
        burst = [
            signed(messenger_text(f"How much is the pass? {i}", PAGES[i % len(PAGES)], f"{700000 + i}"))
            for i in range(burst_size)
        ]
        # Deliveries measured under load: for a page nobody connected, so they add little to the workers' work.
        probes = [signed(messenger_text(f"ping {i}", UNCONNECTED_PAGE, f"{800000 + i}")) for i in range(measured)]
        idle_bare = await drive(bare, probes)
        # Idle: with no worker yet (web alone), or with serve's own worker answering only these probes.
        idle_platform = await drive(f"{base}/webhooks/messenger", probes)
        if separate:
            procs += [
                spawn([sys.executable, "-m", "bot", "worker"], cwd=CODE, env=env, stdin=subprocess.DEVNULL)
                for _ in range(WORKERS)
            ]
        while await backlog(redis):
            await asyncio.sleep(0.1)
        await drive(f"{base}/webhooks/messenger", burst)
        before = await backlog(redis)
        # Platform and bare handler take turns, slice by slice, so both see the same moments of the load.
        slices = [probes[i::SLICES] for i in range(SLICES)]
        platform_rates, bare_rates = [], []
        for part in slices:
            platform_rates.append(await drive(f"{base}/webhooks/messenger", part))
            bare_rates.append(await drive(bare, part))
        loaded_platform = len(probes) / sum(len(part) / rate for part, rate in zip(slices, platform_rates, strict=True))
        loaded_bare = len(probes) / sum(len(part) / rate for part, rate in zip(slices, bare_rates, strict=True))
        after = await backlog(redis)
        started = time.perf_counter()
        while await backlog(redis):
            await asyncio.sleep(0.1)
        return {
            "idle_bare": idle_bare,
            "idle_platform": idle_platform,
            "loaded_platform": loaded_platform,
            "loaded_bare": loaded_bare,
            "backlog_before": before,
            "backlog_after": after,
            "drained_after_s": time.perf_counter() - started,
        }
    finally:
        await redis.aclose()
        running.stop()


async def rows(quick: bool) -> list[Row]:
    """`serve --no-worker` beside worker processes; the full run adds `serve` with its worker inside, as before."""
    burst, measured = (BURST // 4, MEASURED // 3) if quick else (BURST, MEASURED)
    async with embedded_servers() as servers:
        apart = await measure(servers, separate=True, burst_size=burst, measured=measured)
        together = None if quick else await measure(servers, separate=False)
    bare = "bare aiohttp handler (own process) under the same load"
    loaded = [
        Row(
            f"webhooks acknowledged per second while a {burst:,}-message burst is answered "
            f"(serve --no-worker + {WORKERS} worker; {measured:,} webhooks, {CONCURRENCY} at a time)",
            apart["loaded_platform"],
            "req/s",
            apart["loaded_bare"],
            bare,
            "ratio >= 0.5",
            apart["loaded_platform"] / apart["loaded_bare"] >= 0.5,
        ),
        Row(
            "… the same, idle (no burst, web side alone)",
            apart["idle_platform"],
            "req/s",
            apart["idle_bare"],
            "bare handler, idle",
        ),
    ]
    if together:
        loaded.append(
            Row(
                "… serve with its worker inside (the former single process), same burst",
                together["loaded_platform"],
                "req/s",
                together["loaded_bare"],
                bare,
            )
        )
    return loaded


async def main() -> None:
    async with embedded_servers() as servers:
        together = await measure(servers, separate=False)
        apart = await measure(servers, separate=True)
    print(
        f"burst: {BURST} messages over {len(PAGES)} pages; measured: {MEASURED} webhooks, concurrency {CONCURRENCY}; "
        f"separate workers: {WORKERS}"
    )
    for label, figures in (("serve (web + in-process worker)", together), (f"serve --no-worker + {WORKERS} worker", apart)):
        print(f"{label}:")
        print(
            f"  idle   : platform {figures['idle_platform']:7.0f}/s, bare {figures['idle_bare']:7.0f}/s, "
            f"ratio {figures['idle_platform'] / figures['idle_bare']:.2f}"
        )
        print(
            f"  burst  : platform {figures['loaded_platform']:7.0f}/s, bare under the same load {figures['loaded_bare']:7.0f}/s, "
            f"ratio {figures['loaded_platform'] / figures['loaded_bare']:.2f}; against the idle bare handler "
            f"{figures['loaded_platform'] / figures['idle_bare']:.2f}  (target >= 0.5)"
        )
        print(
            f"           (deliveries still queued as the measurement began/ended: {figures['backlog_before']:.0f}/"
            f"{figures['backlog_after']:.0f}; the rest answered {figures['drained_after_s']:.1f} s later)"
        )
    print(json.dumps({"together": together, "apart": apart}))


if __name__ == "__main__":
    asyncio.run(main())
