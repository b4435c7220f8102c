"""One business floods the queue (5,000 customer messages in a burst to its page); another business's customer
writes once, right after. How much later is that customer answered than when nobody floods?

A `python -m bot worker` process answers (offline responder by default; `--model` uses the local fake of Groq's
API answering after 0.5 s); the web side, Graph and the embedded servers are this process's. The quiet
business's latency (webhook posted -> its reply reaches Graph) is measured alone first (median of 5), then
during the flood, in the same run.

    python bench/tenant_fairness.py [--flood 5000] [--model] [--against COMMIT]

Target: the quiet customer's reply at most 2 s later than with no flood. `--against COMMIT` runs that commit's
worker through the same flood afterwards (its code exported with `git archive`), for the figure before.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import _harness  # noqa: F401  (puts the project on sys.path)
import aiohttp
from _harness import ProbedWorker, TimedGraph, code_tree, embedded_servers, messenger_text, quiet_logs, seed_tenant, serve, signed

from tests.fakes.groq_server import FakeGroq, slow, tool_answer
from tests.whole_app import create_app

FLOOD_PAGE = "3200000001"
QUIET_PAGE = "3200000002"
REPLY = "Happy to help! The Yoga Pass gives you unlimited classes for a month."


async def post(session: aiohttp.ClientSession, base: str, page_id: str, psid: str) -> None:
    raw, headers = signed(messenger_text("How much is the yoga pass?", page_id, psid))
    while True:
        async with session.post(f"{base}/webhooks/messenger", data=raw, headers=headers) as response:
            if response.status == 200:
                return
        await asyncio.sleep(0.2)


async def answered(graph: TimedGraph, psid: str, timeout_s: float) -> float:
    deadline = time.perf_counter() + timeout_s
    while psid not in graph.arrived:
        if time.perf_counter() > deadline:
            raise SystemExit(f"{psid} unanswered after {timeout_s:.0f} s")
        await asyncio.sleep(0.002)
    return graph.arrived[psid]


async def quiet_latency(session: aiohttp.ClientSession, base: str, graph: TimedGraph, psid: str, timeout_s: float = 900) -> float:
    started = time.perf_counter()
    await post(session, base, QUIET_PAGE, psid)
    return await answered(graph, psid, timeout_s) - started


async def run(servers: Any, tree: Path, label: str, flood: int, groq_url: str, **worker_env: str) -> dict[str, float]:
    async with AsyncExitStack() as stack:
        graph = TimedGraph()
        graph_url = await serve(graph.app(), stack)
        overrides: dict[str, object] = {"graph_api_url": graph_url + "/v21.0"}
        if groq_url:
            overrides.update(groq_api_key="gsk_bench", groq_base_url=groq_url)
        settings = servers.settings(**overrides)
        base = await serve(create_app(settings, run_worker=False), stack)
        worker = ProbedWorker.start(
            settings, tree, Path(tempfile.mkdtemp(prefix="bench-probe-")) / label, LOG_LEVEL="ERROR", **worker_env
        )
        stack.callback(worker.stop)
        session = await stack.enter_async_context(aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)))
        await seed_tenant(session, base, [FLOOD_PAGE])
        await seed_tenant(session, base, [QUIET_PAGE])
        await asyncio.sleep(2)
        for i in range(3):  # warm-up: models loaded, pools open
            await quiet_latency(session, base, graph, f"WARM{label}{i}")
        alone = [await quiet_latency(session, base, graph, f"ALONE{label}{i}") for i in range(5)]
        flood_ids = [f"F{label}{i:06d}" for i in range(flood)]
        started = time.perf_counter()
        await asyncio.gather(*(post(session, base, FLOOD_PAGE, psid) for psid in flood_ids))
        posted = time.perf_counter() - started
        during = await quiet_latency(session, base, graph, f"QUIET{label}")
        for psid in flood_ids:
            await answered(graph, psid, 1800)
        flood_done = max(graph.arrived[p] for p in flood_ids) - started
        return {"alone": statistics.median(alone), "during": during, "posted": posted, "flood_done": flood_done}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--flood", type=int, default=5000)
    parser.add_argument("--model", action="store_true", help="answer through the fake model (0.5 s a call)")
    parser.add_argument("--against", default="", help="a git commit whose worker runs the same flood, for the figure before")
    parser.add_argument("--concurrency", default="", help="WORKER_CONCURRENCY values to compare, e.g. 256,64")
    args = parser.parse_args()
    quiet_logs()
    groq = FakeGroq()
    groq.responder = lambda _body: slow(0.5, tool_answer({"reply": REPLY, "facts_used": ["Yoga Pass"]}))
    results: dict[str, dict[str, float]] = {}
    async with embedded_servers() as servers, AsyncExitStack() as stack:
        groq_url = await serve(groq.app(), stack) if args.model else ""
        with code_tree(None) as now:
            if args.concurrency:
                for value in args.concurrency.split(","):
                    label = f"this tree, WORKER_CONCURRENCY={value}"
                    results[label] = await run(servers, now, f"c{value}", args.flood, groq_url, WORKER_CONCURRENCY=value)
            else:
                results["this tree"] = await run(servers, now, "after", args.flood, groq_url)
        if args.against:
            with code_tree(args.against) as before:
                results[f"before ({args.against})"] = await run(servers, before, "before", args.flood, groq_url)
    print(f"flood                          : {args.flood} messages to one business's page, posted at once")
    print(f"answers                        : {'fake model, 0.5 s a call' if args.model else 'offline responder'}")
    for label, figures in results.items():
        extra = figures["during"] - figures["alone"]
        print(f"\n{label}:")
        print(f"  other business, no flood     : {figures['alone']:7.2f} s (median of 5)")
        print(
            f"  other business, during flood : {figures['during']:7.2f} s  (ratio {figures['during'] / figures['alone']:.1f}, "
            f"+{extra:.2f} s; target <= +2 s)"
        )
        print(f"  flood posted in              : {figures['posted']:7.2f} s, all answered after {figures['flood_done']:.1f} s")


if __name__ == "__main__":
    asyncio.run(main())
