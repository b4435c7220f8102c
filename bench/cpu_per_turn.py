"""The worker's CPU per turn, offline: milliseconds of process CPU time (user + system) a `python -m bot worker`
spends per answered conversation, the storage round trips each turn makes, and where the CPU goes (a cProfile of
the worker grouped by package).

Everything runs on this machine: the embedded MongoDB-wire server and Redis, the fake Graph, and the local fake of
Groq's API answering at once (a model that takes no time, so only the worker's own work is measured). Each run
warms the worker up with a few conversations, then measures `--turns` new conversations posted at once.

    python bench/cpu_per_turn.py [--turns 200] [--against COMMIT] [--no-profile]

`--against COMMIT` measures that commit's worker too, in the same run (its code exported with `git archive`;
the web side, fakes and probe are this tree's), alternating `--rounds` times (default 2).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import _harness  # noqa: F401  (puts the project on sys.path)
import aiohttp
from _harness import (
    ProbedWorker,
    TimedGraph,
    by_package,
    code_tree,
    embedded_servers,
    messenger_text,
    quiet_logs,
    seed_tenant,
    serve,
    signed,
)

from tests.fakes.groq_server import FakeGroq, tool_answer
from tests.whole_app import create_app

PAGE = "3100000001"
QUESTIONS = ["What do I get with the yoga pass?", "how much is the yoga pass?", "hi! do you have classes on weekends?"]
REPLY = "Happy to help! The Yoga Pass gives you unlimited classes for a month."


async def post_all(session: aiohttp.ClientSession, base: str, graph: TimedGraph, psids: list[str]) -> float:
    """Post one message from each customer at once; seconds until every one got its reply."""
    started = time.perf_counter()
    bodies = [signed(messenger_text(QUESTIONS[i % len(QUESTIONS)], PAGE, psid)) for i, psid in enumerate(psids)]

    async def post(raw: bytes, headers: dict[str, str]) -> None:
        while True:
            async with session.post(f"{base}/webhooks/messenger", data=raw, headers=headers) as response:
                if response.status == 200:
                    return
            await asyncio.sleep(0.2)

    await asyncio.gather(*(post(raw, headers) for raw, headers in bodies))
    deadline = started + 300  # a loaded machine, and the profiled window, are slow
    while not all(psid in graph.arrived for psid in psids):
        if time.perf_counter() > deadline:
            raise SystemExit(f"{sum(p not in graph.arrived for p in psids)} of {len(psids)} unanswered after 300 s")
        await asyncio.sleep(0.01)
    return time.perf_counter() - started


async def measure(servers: Any, groq_url: str, tree: Path, label: str, turns: int, profile: bool) -> dict[str, Any]:
    async with AsyncExitStack() as stack:
        graph = TimedGraph()
        graph_url = await serve(graph.app(), stack)
        settings = servers.settings(graph_api_url=graph_url + "/v21.0", groq_api_key="gsk_bench", groq_base_url=groq_url)
        base = await serve(create_app(settings, run_worker=False), stack)
        out = Path(tempfile.mkdtemp(prefix="bench-probe-")) / label
        # The profiled window runs slower; a model call is not given up on meanwhile (the fake answers at once).
        worker = ProbedWorker.start(settings, tree, out, GROQ_TIMEOUT_S="60", LOG_LEVEL="ERROR")
        stack.callback(worker.stop)
        session = await stack.enter_async_context(aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)))
        await seed_tenant(session, base, [PAGE])
        await asyncio.sleep(2)
        # Warm up as many conversations at once as are measured: connection pools grown, language models and
        # catalogs loaded, so the window measures turns, not a start-up.
        await post_all(session, base, graph, [f"WARM{label}{i:04d}" for i in range(turns)])
        worker.open_window()
        seconds = await post_all(session, base, graph, [f"P{label}{i:06d}" for i in range(turns)])
        report = await worker.close_window()
        report["seconds"] = seconds
        if profile:
            worker.open_window(profiled=True)
            await post_all(session, base, graph, [f"Q{label}{i:06d}" for i in range(turns)])
            await worker.close_window()
            report["packages"] = by_package(out.with_suffix(".pstats"))
        return report


def per_turn(report: dict[str, Any], turns: int) -> dict[str, float]:
    return {
        "cpu_ms": report["cpu_s"] * 1000 / turns,
        "mongo": sum(report["mongo"].values()) / turns,
        "redis": sum(report["redis"].values()) / turns,
        "seconds": report["seconds"],
    }


def print_profile(label: str, packages: list[tuple[str, float]]) -> None:
    total = sum(seconds for _, seconds in packages) or 1.0
    print(f"\nwhere the worker's CPU goes ({label}), own time by package (cProfile):")
    for name, seconds in packages[:18]:
        print(f"  {name:<34} {100 * seconds / total:5.1f}%")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--against", default="", help="a git commit whose worker is measured too, in the same run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    quiet_logs()
    groq = FakeGroq()
    groq.responder = lambda _body: tool_answer({"reply": REPLY, "facts_used": ["Yoga Pass"]})
    results: dict[str, list[dict[str, Any]]] = {}
    async with embedded_servers() as servers, AsyncExitStack() as stack:
        groq_url = await serve(groq.app(), stack)
        with code_tree(args.against or None) as before, code_tree(None) as now:
            trees = [("before", before), ("after", now)] if args.against else [("this tree", now)]
            for round_no in range(args.rounds if args.against else 1):
                for label, tree in trees:
                    profile = not args.no_profile and round_no == 0
                    report = await measure(servers, groq_url, tree, label.replace(" ", ""), args.turns, profile)
                    results.setdefault(label, []).append(report)
    print(f"turns measured per run        : {args.turns} new conversations posted at once (offline fake model)")
    for label, reports in results.items():
        figures = [per_turn(r, args.turns) for r in reports]
        cpu = ", ".join(f"{f['cpu_ms']:.1f}" for f in figures)
        print(f"\n{label}{' (' + args.against + ')' if label == 'before' else ''}:")
        print(f"  worker CPU per turn         : {cpu} ms (each run)")
        print(f"  MongoDB commands per turn   : {figures[0]['mongo']:.1f}  {_top(reports[0]['mongo'], args.turns)}")
        print(f"  Redis round trips per turn  : {figures[0]['redis']:.1f}  {_top(reports[0]['redis'], args.turns)}")
        seconds = ", ".join(f"{f['seconds']:.2f}" for f in figures)
        print(f"  all answered in             : {seconds} s")
    if args.against:
        before = min(r["cpu_s"] for r in results["before"])
        after = min(r["cpu_s"] for r in results["after"])
        print(f"\nCPU per turn after / before    : {after / before:.2f} (best run of each)")
    for label, reports in results.items():
        if "packages" in reports[0]:
            print_profile(label, reports[0]["packages"])


def _top(counts: dict[str, int], turns: int) -> str:
    ranked = sorted(counts.items(), key=lambda item: -item[1])[:8]
    return "(" + ", ".join(f"{name} {count / turns:.1f}" for name, count in ranked) + ")"


if __name__ == "__main__":
    asyncio.run(main())
