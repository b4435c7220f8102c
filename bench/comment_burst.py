"""A burst of 1,000 comments on one page: each answered with one private reply (and the campaign's public reply),
within Meta's limits, while the webhook's acknowledgements stay fast.

Processes as the Procfile runs them: `serve --no-worker` (acknowledges webhooks), one `python -m bot worker`
(answers), and a fake Graph API (`tests/fakes_meta.py`, which takes one private reply per comment as Meta does and
notes when each request arrived); the embedded MongoDB-wire server and Redis are shared. The bench's own process
only sends webhooks and reads the fake Graph's notes.

Acknowledgement latency is measured on probe deliveries (comments under a page nobody connected) at a steady
pace: first with nothing to answer, then from the burst's first delivery until its last reply went out; reported
as p50/p99 and as the ratio of the two. The burst's own 1,000 deliveries are timed too.

    python bench/comment_burst.py
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import uuid
from collections import Counter
from typing import Any

import _harness  # noqa: F401  (puts the project on sys.path)
import aiohttp
from _harness import CAMPAIGN, ROOT, embedded_servers, expect_status, percentile, platform_env, signed, spawn, wait_listening

from bot.runtime.embedded import free_port
from channels.messenger import MESSENGER

COMMENTS = 1000
PAGE = "4100000000"
UNCONNECTED_PAGE = "4199999999"
CONCURRENCY = 64  # the burst's deliveries on the wire at once
PROBES = 400  # acknowledgements measured in each phase
PROBE_EVERY_S = 0.01  # one probe every 10 ms: a steady trickle beside the burst
LIMIT = MESSENGER.send_limits.text  # Meta's calls per second per page

# The fake Graph in its own process, with a route the bench reads its notes from.
GRAPH = """
import sys, time, uvloop
sys.path.insert(0, sys.argv[2])
from aiohttp import web
from tests.fakes_meta import FakeGraph
fake = FakeGraph()
arrivals = []
async def handle(request):
    response = await fake.handle(request)
    call = fake.calls[-1]
    if call.method == "POST" and (call.path.endswith("/messages") or call.path.endswith("/comments")):
        kind = "private" if call.path.endswith("/messages") else "public"
        target = (call.json.get("recipient") or {}).get("comment_id") or call.path.rsplit("/", 2)[-2]
        arrivals.append((kind, target, time.time(), response.status))
    return response
async def notes(request):
    return web.json_response(arrivals)
app = web.Application()
app.router.add_get("/_bench/arrivals", notes)
app.router.add_route("*", "/{tail:.*}", handle)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None, backlog=1024,
            loop=uvloop.new_event_loop())
"""


def feed_comment(page_id: str, n: int, tag: str) -> dict[str, Any]:
    post_id = f"{page_id}_555000111"
    value = {
        "from": {"id": f"{9100000000 + n}", "name": f"Customer {n}"},
        "message": "price?",
        "post_id": post_id,
        "comment_id": f"555000111_{tag}{n}",
        "created_time": int(time.time()),
        "item": "comment",
        "parent_id": post_id,
        "verb": "add",
    }
    return {
        "object": "page",
        "entry": [{"id": page_id, "time": int(time.time()), "changes": [{"field": "feed", "value": value}]}],
    }


async def seed(session: aiohttp.ClientSession, base: str) -> None:
    response = await session.post(
        f"{base}/api/signup",
        json={
            "email": f"burst-{uuid.uuid4().hex[:8]}@example.com",
            "password": "correct horse battery",
            "business_name": "Sunrise Yoga",
        },
    )
    expect_status(response.status, 201, detail=await response.text())
    headers = {"Authorization": f"Bearer {(await response.json())['api_token']}"}
    rules = {"private_reply": "Hi! The Yoga Pass is $49 a month.", "public_reply": "Thanks! We sent you a message."}
    response = await session.post(f"{base}/api/campaigns", json={**CAMPAIGN, "comment_rules": rules}, headers=headers)
    expect_status(response.status, 201, detail=await response.text())
    channel = {"platform": "facebook", "account_id": PAGE, "access_token": f"EAAbench-token-{PAGE}"}
    response = await session.post(f"{base}/api/channels", json=channel, headers=headers)
    expect_status(response.status, 201, detail=await response.text())


async def timed_post(session: aiohttp.ClientSession, url: str, body: tuple[bytes, dict[str, str]]) -> float:
    raw, headers = body
    started = time.perf_counter()
    async with session.post(url, data=raw, headers=headers) as response:
        await response.read()
        expect_status(response.status, 200)
    return (time.perf_counter() - started) * 1000


async def probe(session: aiohttp.ClientSession, url: str, tag: str, until: asyncio.Event | None = None) -> list[float]:
    """Acknowledgements at a steady pace, each timed (ms): PROBES of them, or as many as come before `until`."""
    latencies: list[float] = []
    n = 0
    while (until is None and n < PROBES) or (until is not None and not until.is_set()):
        latencies.append(await timed_post(session, url, signed(feed_comment(UNCONNECTED_PAGE, n, tag))))
        n += 1
        await asyncio.sleep(PROBE_EVERY_S)
    return latencies


async def burst(session: aiohttp.ClientSession, url: str) -> tuple[list[float], float]:
    """The burst's deliveries, CONCURRENCY at a time: each acknowledgement's time (ms) and the whole burst's (s)."""
    bodies = iter([signed(feed_comment(PAGE, n, "c")) for n in range(COMMENTS)])
    latencies: list[float] = []

    async def client() -> None:
        for body in bodies:
            latencies.append(await timed_post(session, url, body))

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CONCURRENCY)))
    return latencies, time.perf_counter() - started


async def all_answered(session: aiohttp.ClientSession, graph: str, done: asyncio.Event) -> None:
    """Sets `done` once every comment has its private and public reply (or after 5 minutes)."""
    deadline = time.time() + 300
    while time.time() < deadline:
        noted = await arrivals(session, graph)
        private = {target for kind, target, _, status in noted if kind == "private" and status == 200}
        public = {target for kind, target, _, status in noted if kind == "public" and status == 200}
        if len(private) >= COMMENTS and len(public) >= COMMENTS:
            break
        await asyncio.sleep(0.2)
    done.set()


async def arrivals(session: aiohttp.ClientSession, graph: str) -> list[list[Any]]:
    async with session.get(f"{graph}/_bench/arrivals") as response:
        return list(await response.json())


def busiest_second(times: list[float]) -> int:
    """The most requests in any one-second window."""
    ordered, most, start = sorted(times), 0, 0
    for end, at in enumerate(ordered):
        while at - ordered[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


async def main() -> None:
    async with embedded_servers() as servers:
        graph_port, web_port = free_port(), free_port()
        settings = servers.settings(graph_api_url=f"http://127.0.0.1:{graph_port}/v21.0", log_level="ERROR")
        env = platform_env(settings, GROQ_API_KEY="")
        procs = [
            spawn([sys.executable, "-c", GRAPH, str(graph_port), str(ROOT)], cwd=ROOT, stdin=subprocess.DEVNULL),
            spawn(
                [sys.executable, "-m", "bot", "serve", "--no-worker", "--port", str(web_port)],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
            ),
        ]
        graph, base = f"http://127.0.0.1:{graph_port}", f"http://127.0.0.1:{web_port}"
        try:
            await wait_listening(f"{base}/healthz")
            await wait_listening(f"{graph}/_bench/arrivals")
            procs.append(spawn([sys.executable, "-m", "bot", "worker"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL))
            connector = aiohttp.TCPConnector(limit=CONCURRENCY + 8)
            async with aiohttp.ClientSession(connector=connector) as session:
                await seed(session, base)
                url = f"{base}/webhooks/messenger"
                await probe(session, url, "warm")  # connections and the worker warmed up, not measured
                quiet = await probe(session, url, "quiet")
                started, done = time.time(), asyncio.Event()
                (burst_acks, acked_s), loaded, _ = await asyncio.gather(
                    burst(session, url), probe(session, url, "loaded", until=done), all_answered(session, graph, done)
                )
                await asyncio.sleep(3)  # anything sent twice would show up by now
                noted = await arrivals(session, graph)
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()

    private = [(target, at) for kind, target, at, status in noted if kind == "private"]
    public = [(target, at) for kind, target, at, status in noted if kind == "public"]
    per_comment = Counter(target for target, _ in private)
    per_public = Counter(target for target, _ in public)
    last_private = max(at for _, at in private) if private else started
    last_any = max([at for _, at in private + public] or [started])
    figures = {
        "comments": COMMENTS,
        "private_replies_answered": len(per_comment),
        "private_replies_sent_twice": sum(1 for n in per_comment.values() if n > 1),
        "public_replies": len(per_public),
        "public_replies_sent_twice": sum(1 for n in per_public.values() if n > 1),
        "busiest_second_sends": busiest_second([at for _, at in private + public]),
        "limit_per_second": LIMIT,
        "burst_acked_s": round(acked_s, 2),
        "all_private_replies_s": round(last_private - started, 2),
        "all_replies_s": round(last_any - started, 2),
        "ack_quiet_p50_ms": round(percentile(quiet, 50), 2),
        "ack_quiet_p99_ms": round(percentile(quiet, 99), 2),
        "ack_loaded_p50_ms": round(percentile(loaded, 50), 2),
        "ack_loaded_p99_ms": round(percentile(loaded, 99), 2),
        "ack_burst_own_p50_ms": round(percentile(burst_acks, 50), 2),
        "ack_burst_own_p99_ms": round(percentile(burst_acks, 99), 2),
    }
    print(f"burst: {COMMENTS} comments on one page, {CONCURRENCY} deliveries on the wire at once; serve --no-worker + 1 worker")
    print(
        f"answered: {figures['private_replies_answered']}/{COMMENTS} private replies "
        f"({figures['private_replies_sent_twice']} sent twice), {figures['public_replies']}/{COMMENTS} public replies "
        f"({figures['public_replies_sent_twice']} twice); busiest second {figures['busiest_second_sends']} sends "
        f"(Meta's limit {LIMIT}/s per page)"
    )
    print(
        f"time: burst acknowledged in {figures['burst_acked_s']} s; every private reply sent "
        f"{figures['all_private_replies_s']} s after the first comment, every reply {figures['all_replies_s']} s"
    )
    for label, p in (("p50", 50), ("p99", 99)):
        q, lo = percentile(quiet, p), percentile(loaded, p)
        print(f"ack {label}: {lo:6.2f} ms during the burst, {q:6.2f} ms with no burst: ratio {lo / q:.2f}")
    print(
        f"the burst's own acks: p50 {figures['ack_burst_own_p50_ms']} ms, p99 {figures['ack_burst_own_p99_ms']} ms "
        f"({CONCURRENCY} at once); probes measured: {len(quiet)} with no burst, {len(loaded)} during it"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main())
