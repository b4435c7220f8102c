"""Many processes, one truth: two `serve --no-worker` and three `python -m bot worker` on one MongoDB and one Redis,
one worker killed (SIGKILL) a third of the way in and one added, deliveries spread over both web ports and about
a third of them delivered a second time to the other port. Against one web and one worker, in the same run, on the
same servers, with the same customers' pace.

Every customer writes three questions 0.4 s apart; a message is answered once when exactly one reply covers it
(a burst's one reply covers all of its messages), and in order when no reply covers a message older than one an
earlier reply covered. Latency: the message's first delivery until the Graph API took its reply; a message the
killed worker held waits until its liveness key expired (5 s) and, when its turn was running, the conversation lock
it held (within 10 s).

    python bench/many_processes.py [--quick]        (targets: every message answered once, none twice, none out of order)
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import _harness  # noqa: F401  (puts the project on sys.path)
from _harness import Row, embedded_servers, format_rows, percentile

from tests.e2e.process_fleet import Run, Shape, run


async def measure(shape: Shape) -> Run:
    async with embedded_servers() as servers:
        with tempfile.TemporaryDirectory(prefix="fleet-logs-") as logs:
            return await run(servers.settings(), shape, Path(logs))


async def rows(quick: bool) -> list[Row]:
    customers = 12 if quick else 40
    fleet = await measure(Shape(webs=2, workers=3, customers=customers, warm_up_customers=6))
    single = await measure(Shape(webs=1, workers=1, customers=customers, warm_up_customers=2, kill_and_add=False))
    many, one = fleet.verdict, single.verdict
    name = "1 web + 1 worker"
    lat = [x * 1000 for x in many.latencies_s] or [0.0]
    base = [x * 1000 for x in one.latencies_s] or [0.0]
    return [
        Row(
            "2 web + 3 workers, one killed, one added: messages answered exactly once",
            many.answered_once,
            f"of {many.messages}",
            one.answered_once,
            name,
            "all",
            many.answered_once == many.messages,
        ),
        Row("… webhook deliveries (redeliveries to the other port included)", fleet.deliveries, "", single.deliveries, name),
        Row(
            "… messages answered twice, or replies sent twice",
            len(many.answered_twice) + many.duplicate_sends,
            "",
            len(one.answered_twice) + one.duplicate_sends,
            name,
            "0",
            not many.answered_twice and not many.duplicate_sends,
        ),
        Row(
            "… replies out of their customer's order", many.out_of_order, "", one.out_of_order, name, "0", many.out_of_order == 0
        ),
        Row("… reply latency p50", percentile(lat, 50), "ms", percentile(base, 50), name),
        Row(
            "… reply latency p99 (the killed worker's messages wait for its liveness key and locks to expire)",
            percentile(lat, 99),
            "ms",
            percentile(base, 99),
            name,
            "<= 20,000 ms",
            percentile(lat, 99) <= 20_000,
        ),
    ]


def main() -> None:
    print(format_rows(asyncio.run(rows("--quick" in sys.argv))))


if __name__ == "__main__":
    main()
