"""Memory: what 1,000 active conversations cost a worker and what an open live page (`/live/events`) costs the web
process, then a soak at a steady load checking that nothing grows without bound.

The web side is `python -m bot serve --no-worker` and the worker `python -m bot worker`, each its own process
(their RSS and open file descriptors read from /proc), on the embedded servers of a temporary folder, offline
responder, sends to the bench's fake Graph.

    python bench/memory.py [--conversations 1000] [--pages 100] [--soak 60] [--rate 10] [--trace DIR]

The soak posts `--rate` messages a second from a rotating set of 300 customers, with 20 live pages open, for
`--soak` seconds (1800 for the half-hour soak), sampling every 5 s: both processes' RSS and file descriptors,
Redis's key count and memory, and the length of the inbound and dead-letter streams. A figure "grows" when the
last third of the soak averages more than its middle third by over 5% (RSS) or by any amount beyond a small
allowance (descriptors, keys, stream length).

`--trace DIR` finds out what grows: the worker runs with tracemalloc (`bench/_memory_probe.py`), only the soak is
run, and a snapshot is written at its start, at each third and at its end (DIR/0.snap … DIR/3.snap, with gc and
asyncio task counts beside each); `python bench/_memory_probe.py --compare DIR/1.snap DIR/3.snap` lists the growth.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import statistics
import subprocess
import sys
import time
import uuid
from contextlib import AsyncExitStack
from pathlib import Path

import _harness  # noqa: F401  (puts the project on sys.path)
import aiohttp
import redis.asyncio as aioredis
from _harness import (
    CAMPAIGN,
    ROOT,
    TimedGraph,
    embedded_servers,
    expect_status,
    messenger_text,
    platform_env,
    quiet_logs,
    serve,
    signed,
)

from bot.runtime.embedded import free_port

PAGE = "3300000001"
# Stated ceilings (see README): what one worker may hold per 1,000 active conversations, a web process per live page.
WORKER_MB_PER_1000 = 40.0
WEB_KB_PER_PAGE = 200.0


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def fds(pid: int) -> int:
    return len(list(Path(f"/proc/{pid}/fd").iterdir()))


class Load:
    def __init__(self, session: aiohttp.ClientSession, base: str, graph: TimedGraph) -> None:
        self.session, self.base, self.graph = session, base, graph
        self.sent = 0

    async def post(self, psid: str, text: str = "How much is the yoga pass?") -> None:
        raw, headers = signed(messenger_text(text, PAGE, psid))
        while True:
            async with self.session.post(f"{self.base}/webhooks/messenger", data=raw, headers=headers) as response:
                if response.status == 200:
                    self.sent += 1
                    return
            await asyncio.sleep(0.2)

    async def answer(self, psids: list[str], timeout_s: float = 300) -> None:
        """Post one message from each (200 at a time) and wait until each got a reply."""
        for start in range(0, len(psids), 200):
            await asyncio.gather(*(self.post(p) for p in psids[start : start + 200]))
        deadline = time.monotonic() + timeout_s
        while not all(p in self.graph.arrived for p in psids):
            if time.monotonic() > deadline:
                raise SystemExit(f"{sum(p not in self.graph.arrived for p in psids)} unanswered after {timeout_s:.0f} s")
            await asyncio.sleep(0.05)


async def open_page(session: aiohttp.ClientSession, base: str) -> aiohttp.ClientResponse:
    """A live page's event stream, its first event read."""
    response = await session.get(f"{base}/live/events", timeout=aiohttp.ClientTimeout(total=None))
    expect_status(response.status, 200)
    await response.content.readline()
    return response


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=30)


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "bot", *command], cwd=ROOT, env=env, stdin=subprocess.DEVNULL)


def start_traced_worker(env: dict[str, str], out: Path) -> subprocess.Popen[bytes]:
    probe = ROOT / "bench" / "_memory_probe.py"
    return subprocess.Popen([sys.executable, str(probe), str(out)], cwd=ROOT, env=env, stdin=subprocess.DEVNULL)


async def traced_snapshot(worker: subprocess.Popen[bytes], out: Path, n: int) -> None:
    """Asks the traced worker for snapshot `n` and waits until it is written."""
    worker.send_signal(signal.SIGUSR1)
    for _ in range(1200):
        if (out / f"{n}.json").exists():
            return
        await asyncio.sleep(0.1)
    raise SystemExit(f"the traced worker wrote no snapshot {n}")


async def until_ready(session: aiohttp.ClientSession, base: str) -> None:
    for _ in range(300):
        try:
            async with session.get(f"{base}/readyz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit("the web process did not become ready")


async def sample(redis: aioredis.Redis, web: int, worker: int) -> dict[str, float]:
    info = await redis.info("memory")
    return {
        "worker_rss_mb": rss_kb(worker) / 1024,
        "web_rss_mb": rss_kb(web) / 1024,
        "worker_fds": fds(worker),
        "web_fds": fds(web),
        "redis_keys": await redis.dbsize(),
        "redis_mb": int(info["used_memory"]) / 1024 / 1024,
        "inbound_xlen": await redis.xlen("inbound"),
        "deadletter_xlen": await redis.xlen("deadletter") if await redis.exists("deadletter") else 0,
    }


def grows(name: str, middle: list[float], last: list[float]) -> bool:
    before, after = statistics.mean(middle), statistics.mean(last)
    if name.endswith("_mb"):
        return after > before * 1.05
    return after > before + max(5.0, before * 0.05)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--soak", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--trace", type=Path, help="run only the soak, the worker traced, snapshots written here")
    args = parser.parse_args()
    quiet_logs()
    async with embedded_servers() as servers, AsyncExitStack() as stack:
        graph = TimedGraph()
        graph_url = await serve(graph.app(), stack)
        settings = servers.settings(graph_api_url=graph_url + "/v21.0")
        env = platform_env(settings, LOG_LEVEL="ERROR")
        port = free_port()
        web = start(["serve", "--no-worker", "--port", str(port)], env)
        worker = start_traced_worker(env, args.trace) if args.trace else start(["worker"], env)
        for process in (web, worker):
            stack.callback(_stop, process)
        base = f"http://127.0.0.1:{port}"
        # The owner's session cookie comes from 127.0.0.1, which aiohttp's default jar refuses to keep.
        session = await stack.enter_async_context(
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), cookie_jar=aiohttp.CookieJar(unsafe=True))
        )
        await until_ready(session, base)
        email = f"memory-{uuid.uuid4().hex[:8]}@example.com"
        await seed_tenant_as(session, base, email)
        redis = aioredis.from_url(settings.redis_url, decode_responses=True)
        stack.push_async_callback(redis.aclose)
        load = Load(session, base, graph)

        await load.answer([f"WARM{i:05d}" for i in range(200)])
        if args.trace:
            await traced_soak(load, worker, args)
            return

        # 1. The worker, per 1,000 active conversations (after a warm-up; two steps show whether it keeps growing).
        worker_rss = [rss_kb(worker.pid)]
        for step in range(2):
            await load.answer([f"C{step}_{i:06d}" for i in range(args.conversations)])
            worker_rss.append(rss_kb(worker.pid))
        per_1000 = [(b - a) / 1024 * 1000 / args.conversations for a, b in zip(worker_rss, worker_rss[1:], strict=False)]

        # 2. The web process, per open live page.
        web_before, web_fds_before = rss_kb(web.pid), fds(web.pid)
        pages = [await open_page(session, base) for _ in range(args.pages)]
        await asyncio.sleep(3)  # a few heartbeats
        web_open, web_fds_open = rss_kb(web.pid), fds(web.pid)
        for page in pages:
            page.close()
        await asyncio.sleep(3)
        web_closed, web_fds_closed = rss_kb(web.pid), fds(web.pid)
        per_page_kb = (web_open - web_before) / args.pages

        # 3. The soak: a steady load, live pages open, sampled every 5 s.
        pages = [await open_page(session, base) for _ in range(20)]
        samples: list[dict[str, float]] = []
        started = time.monotonic()
        next_sample = started
        customers = [f"SOAK{i:04d}" for i in range(300)]
        sent_in_soak = 0
        while (elapsed := time.monotonic() - started) < args.soak:
            due = int(elapsed * args.rate) - sent_in_soak
            if due > 0:
                await asyncio.gather(
                    *(
                        load.post(customers[(sent_in_soak + i) % len(customers)], f"question {sent_in_soak + i}")
                        for i in range(due)
                    )
                )
                sent_in_soak += due
            if time.monotonic() >= next_sample:
                samples.append(await sample(redis, web.pid, worker.pid))
                next_sample += 5
            await asyncio.sleep(0.05)
        await asyncio.sleep(5)
        samples.append(await sample(redis, web.pid, worker.pid))
        for page in pages:
            page.close()

    print(
        f"worker RSS                     : {worker_rss[0] / 1024:.0f} MB warm, then {', '.join(f'{r / 1024:.0f}' for r in worker_rss[1:])} MB"
    )
    print(
        f"worker, per 1,000 conversations: {', '.join(f'{p:.1f}' for p in per_1000)} MB (each step of {args.conversations}; "
        f"ceiling {WORKER_MB_PER_1000:.0f} MB)"
    )
    print(
        f"web, per open live page       : {per_page_kb:.0f} KB RSS, {(web_fds_open - web_fds_before) / args.pages:.2f} fd "
        f"({args.pages} pages; ceiling {WEB_KB_PER_PAGE:.0f} KB)"
    )
    print(
        f"web after the pages closed    : RSS {web_closed / 1024:.0f} MB (open {web_open / 1024:.0f}, before {web_before / 1024:.0f}); "
        f"fds {web_fds_closed} (open {web_fds_open}, before {web_fds_before})"
    )
    print(
        f"soak                           : {args.soak:.0f} s at {args.rate:g} messages/s, 20 live pages, {len(samples)} samples"
    )
    third = max(1, len(samples) // 3)
    first, middle, last = samples[:third], samples[third : 2 * third] or samples[:1], samples[-third:]
    verdicts = []
    for name in samples[0]:
        values = [s[name] for s in samples]
        grew = grows(name, [s[name] for s in middle], [s[name] for s in last])
        verdicts.append(grew)
        thirds = "  ".join(f"{statistics.mean(s[name] for s in part):8.1f}" for part in (first, middle, last))
        print(
            f"  {name:<16}: first {values[0]:8.1f}  max {max(values):8.1f}  last {values[-1]:8.1f}  "
            f"thirds' means {thirds}  {'GROWS' if grew else 'steady'}"
        )
    per_page_ok = per_page_kb <= WEB_KB_PER_PAGE
    per_conv_ok = max(per_1000) <= WORKER_MB_PER_1000
    print(f"within ceilings, nothing grows : {'yes' if per_page_ok and per_conv_ok and not any(verdicts) else 'NO'}")


async def traced_soak(load: Load, worker: subprocess.Popen[bytes], args: argparse.Namespace) -> None:
    """The soak's load only, with a snapshot of the traced worker at its start, each third and its end."""
    customers = [f"SOAK{i:04d}" for i in range(300)]
    started, sent, taken = time.monotonic(), 0, 0
    await traced_snapshot(worker, args.trace, taken)
    while (elapsed := time.monotonic() - started) < args.soak:
        due = int(elapsed * args.rate) - sent
        if due > 0:
            await asyncio.gather(*(load.post(customers[(sent + i) % len(customers)], f"question {sent + i}") for i in range(due)))
            sent += due
        if elapsed >= args.soak * (taken + 1) / 3 and taken < 2:
            taken += 1
            await traced_snapshot(worker, args.trace, taken)
        await asyncio.sleep(0.05)
    await asyncio.sleep(5)
    await traced_snapshot(worker, args.trace, 3)
    for n in range(4):
        print(n, (args.trace / f"{n}.json").read_text())


async def seed_tenant_as(session: aiohttp.ClientSession, base: str, email: str) -> None:
    """A business with the page connected, its owner logged in on `session` (the live pages' session)."""
    response = await session.post(
        f"{base}/api/signup", json={"email": email, "password": "correct horse battery", "business_name": "Sunrise Yoga"}
    )
    expect_status(response.status, 201, detail=await response.text())
    headers = {"Authorization": f"Bearer {(await response.json())['api_token']}"}
    expect_status((await session.post(f"{base}/api/campaigns", json=CAMPAIGN, headers=headers)).status, 201)
    response = await session.post(
        f"{base}/api/channels",
        json={"platform": "facebook", "account_id": PAGE, "access_token": f"EAAbench-token-{PAGE}"},
        headers=headers,
    )
    expect_status(response.status, 201, detail=await response.text())
    login = await session.post(f"{base}/api/login", json={"email": email, "password": "correct horse battery"})
    expect_status(login.status, 200, detail=await login.text())


if __name__ == "__main__":
    asyncio.run(main())
