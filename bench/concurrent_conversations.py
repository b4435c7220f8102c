"""200 conversations at once on one Facebook page, against a model that takes 0.5 s per call: time until every
customer is answered, with sends paced at Meta's documented limit (300 calls/s per page for text) and, in the same
run, at the former pacing of 20 sends/s per page.

The model is the local fake of Groq's chat API (tests/fakes/groq_server.py), answering with a valid tool call
after 0.5 s. `--pages N` spreads the customers over N pages; `--in-process` runs the worker on the bench's loop.
The single conversation is measured after a first one that warms the worker up (language models, pools).

`--against COMMIT` also runs that commit's worker (its code exported with `git archive`; the web side and the
fakes are this tree's), alternating with this tree's `--rounds` times, Meta's pacing only: before and after in
the same run.

    python bench/concurrent_conversations.py        (target: all 200 answered within 2.5 x one conversation)
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import AsyncExitStack

import _harness  # noqa: F401  (puts the project on sys.path)
import aiohttp
from _harness import (
    CODE,
    Row,
    TimedGraph,
    embedded_servers,
    expect_status,
    messenger_text,
    platform_env,
    quiet_logs,
    seed_tenant,
    serve,
    signed,
)

from tests.fakes.groq_server import FakeGroq, slow, tool_answer
from tests.whole_app import create_app

CONVERSATIONS = 200
MODEL_SECONDS = 0.5
PAGE_COUNT = int(sys.argv[sys.argv.index("--pages") + 1]) if "--pages" in sys.argv else 1
PAGES = [str(3000000000 + i) for i in range(PAGE_COUNT)]
FORMER_PACE = 20  # sends a second per page before pacing followed Meta's documented limits
REPLY = "Happy to help! The Yoga Pass gives you unlimited classes for a month."


async def answer_all(session: aiohttp.ClientSession, base: str, graph: TimedGraph, psids: list[str]) -> tuple[float, int]:
    """Seconds from posting every customer's message at once until the last reply reached Graph, and how many
    webhook deliveries were refused (503) and had to be posted again, as Meta would."""
    refused = 0
    bodies = [
        signed(messenger_text("What do I get with the yoga pass?", PAGES[i % len(PAGES)], psid)) for i, psid in enumerate(psids)
    ]

    async def post(raw: bytes, headers: dict[str, str]) -> None:
        nonlocal refused
        while True:
            async with session.post(f"{base}/webhooks/messenger", data=raw, headers=headers) as response:
                if response.status == 200:
                    return
                expect_status(response.status, 503)
            refused += 1
            await asyncio.sleep(0.2)

    started = time.perf_counter()
    await asyncio.gather(*(post(raw, headers) for raw, headers in bodies))
    deadline = started + 50
    while not all(psid in graph.arrived for psid in psids):
        if time.perf_counter() > deadline:
            missing = sum(psid not in graph.arrived for psid in psids)
            raise SystemExit(f"{missing} of {len(psids)} conversations unanswered after 50 s")
        await asyncio.sleep(0.005)
    return max(graph.arrived[p] for p in psids) - started, refused


SEPARATE_WORKER = "--in-process" not in sys.argv


def start_worker(settings, page_limit: int | None, tree: str = "") -> subprocess.Popen[bytes]:
    """`python -m bot worker` (of the code in `tree`, this one's by default); with `page_limit`, its pacing of a
    page's text sends set to that many a second."""
    env = platform_env(settings, LOG_LEVEL="WARNING")
    root = tree or str(CODE)
    command = ["-m", "bot", "worker"]
    if page_limit:
        command = [
            "-c",
            "import dataclasses, channels.registry as r; from channels.channel import SendLimits; "
            f"r.CHANNELS[0] = dataclasses.replace(r.CHANNELS[0], send_limits=SendLimits(text={page_limit}, media=10)); "
            "from bot.runtime.cli import main; raise SystemExit(main(['worker']))",
        ]
    return subprocess.Popen([sys.executable, *command], cwd=root, env=env, stdin=subprocess.DEVNULL)


def set_page_limit(page_limit: int) -> Callable[[], None]:
    """Messenger's pacing of a page's text sends set to `page_limit` a second in this process; returns the undo."""
    import dataclasses

    import channels.registry as registry
    from channels.channel import SendLimits

    index = registry.CHANNELS.index(registry.channel_named("messenger"))
    former = registry.CHANNELS[index]
    registry.CHANNELS[index] = dataclasses.replace(former, send_limits=SendLimits(text=page_limit, media=10))  # type: ignore[type-var]

    def undo() -> None:
        registry.CHANNELS[index] = former

    return undo


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    worker.terminate()
    worker.wait(timeout=30)


async def run(servers, groq_url: str, page_limit: int | None, tree: str = "") -> tuple[float, float, int, TimedGraph]:
    """(one conversation alone, all at once, webhooks refused) with the page's sends paced at `page_limit` a second
    (None: Meta's documented limit)."""
    async with AsyncExitStack() as stack:
        graph = TimedGraph()
        graph_url = await serve(graph.app(), stack)
        settings = servers.settings(graph_api_url=graph_url + "/v21.0", groq_api_key="gsk_bench", groq_base_url=groq_url)
        if not SEPARATE_WORKER and page_limit:
            stack.callback(set_page_limit(page_limit))
        # As deployed by the Procfile: the web process takes webhooks, a `python -m bot worker` process answers.
        base = await serve(create_app(settings, run_worker=not SEPARATE_WORKER), stack)
        if SEPARATE_WORKER:
            worker = start_worker(settings, page_limit, tree)
            stack.callback(stop_worker, worker)
            await asyncio.sleep(3)  # let the worker start, so the baseline measures a conversation, not a start-up
        session = await stack.enter_async_context(aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)))
        await seed_tenant(session, base, PAGES)
        await answer_all(session, base, graph, ["PSID_WARM"])
        single, _ = await answer_all(session, base, graph, ["PSID_SOLO"])
        many, refused = await answer_all(session, base, graph, [f"PSID{i:06d}" for i in range(CONVERSATIONS)])
        return single, many, refused, graph


def slow_groq() -> FakeGroq:
    groq = FakeGroq()
    groq.responder = lambda _body: slow(MODEL_SECONDS, tool_answer({"reply": REPLY, "facts_used": ["Yoga Pass"]}))
    return groq


async def rows(quick: bool) -> list[Row]:  # noqa: ARG001 # every bench's rows() takes quick; one run is short
    """All conversations at once against one conversation, paced at Meta's limit, a separate worker process."""
    quiet_logs()
    groq = slow_groq()
    async with embedded_servers() as servers, AsyncExitStack() as stack:
        groq_url = await serve(groq.app(), stack)
        single, many, refused, _ = await run(servers, groq_url, None)
    one = "one conversation, after a warm-up one"
    return [
        Row(
            f"{CONVERSATIONS} conversations at once on {len(PAGES)} page(s), model {MODEL_SECONDS * 1000:.0f} ms a call: "
            "all answered",
            many,
            "s",
            single,
            one,
            "<= 2.5 x one conversation",
            many / single <= 2.5,
        ),
        Row("… webhook deliveries refused (503) and posted again", refused),
    ]


async def main() -> None:
    errors = quiet_logs()
    groq = slow_groq()
    against = sys.argv[sys.argv.index("--against") + 1] if "--against" in sys.argv else ""
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 2
    async with embedded_servers() as servers, AsyncExitStack() as stack:
        groq_url = await serve(groq.app(), stack)
        if against:
            await before_and_after(servers, groq_url, against, rounds)
            return
        former = await run(servers, groq_url, FORMER_PACE)
        metas = await run(servers, groq_url, None)

    single, many, refused, graph = metas
    from_model = sum(REPLY.split("!")[0] in text for text in graph.fake.texts())
    print(
        f"worker                       : {'a separate `python -m bot worker` process' if SEPARATE_WORKER else 'inside the web process'}"
    )
    print(f"pages                        : {len(PAGES)} ({CONVERSATIONS} customers spread over them)")
    print(f"model latency per call       : {MODEL_SECONDS * 1000:.0f} ms (fake Groq)")
    print(f"baseline: 1 conversation     : {single:6.2f} s")
    print(
        f"{CONVERSATIONS} conversations at once   : {many:6.2f} s  (target <= 3 s), paced at Meta's limit "
        f"({pacing_limit()} sends/s per page)"
    )
    print(f"ratio                        : {many / single:6.2f}x the single conversation")
    print(
        f"same, paced at {FORMER_PACE} sends/s/page : {former[1]:6.2f} s  ({former[1] / former[0]:.2f}x its single conversation, "
        f"{former[0]:.2f} s)"
    )
    print(f"webhook deliveries refused   : {refused} (503, posted again)")
    for message, count in sorted(errors.by_message.items()):
        print(f"platform error log           : {count:4d} x {message}")
    print(f"replies written by the model : {from_model} of {CONVERSATIONS + 1} (others fell back to the offline responder)")
    print(f"model calls received         : {len(groq.requests)}")
    print(f"sample reply                 : {graph.fake.texts()[-1][:100]!r}")


async def before_and_after(servers, groq_url: str, against: str, rounds: int) -> None:
    from _harness import code_tree

    figures: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
    with code_tree(against) as before, code_tree(None) as after:
        for _ in range(rounds):
            for label, tree in (("before", before), ("after", after)):
                single, many, _, _ = await run(servers, groq_url, None, str(tree))
                figures[label].append((single, many))
    print(
        f"{CONVERSATIONS} conversations at once on {len(PAGES)} page(s), model {MODEL_SECONDS * 1000:.0f} ms a call, one worker process"
    )
    for label, runs in figures.items():
        name = f"before ({against})" if label == "before" else "after (this tree)"
        shown = ", ".join(f"{many:.2f} s / {single:.2f} s = {many / single:.2f}x" for single, many in runs)
        print(f"{name:<22}: {shown}  (all at once / one conversation)")


def pacing_limit() -> int:
    from channels.pacing import limit_for

    return limit_for("facebook", "text")


if __name__ == "__main__":
    asyncio.run(main())
