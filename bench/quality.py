"""Answer quality on the held-out set (tests/heldout): two invented businesses, six languages, two currencies.

Runs every case offline, then through the real ChatGroq client against a local scripted model that answers
each case once truthfully and once with a lie (wrong hours, sizes, refund terms, financing, prices, invented
discounts, hidden products, products not sold, a handoff that did not happen). Prints the quality report's
figures per mode: answered, wrong amounts, unsupported claims that reached the customer, false blocks of honest
answers, retrieval hit rate, handoff rate.

    python bench/quality.py [--details]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import _harness  # noqa: F401  (puts the project on sys.path)
from _harness import Row, serve
from pymongo import AsyncMongoClient

from bot.evaluation.runner import Tally, print_tally, run_case
from bot.runtime.chat_model import build_chat_model
from bot.runtime.embedded import start_mongo
from knowledge.retrieval import KnowledgeIndex
from tests.fakes.groq_server import FakeGroq
from tests.heldout.businesses import BUSINESSES, CASES, FRESH_CASES
from tests.heldout.seed import ScriptedModel, eval_case, seed

TIMEOUT_S = 5.0


async def measure(every: int = 1) -> tuple[dict[str, Tally], float]:
    """Every `every`-th case of the set (1: all), offline and through the lying model: the tallies by mode, and
    the seconds it took."""
    cases = [*CASES, *FRESH_CASES][::every]
    with tempfile.TemporaryDirectory(prefix="quality-") as tmp:
        mongo = await start_mongo(Path(tmp))
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo.uri, tz_aware=True)
        try:
            async with AsyncExitStack() as stack:
                db = client[f"quality_{uuid.uuid4().hex[:8]}"]
                tenants = {key: await seed(db, business) for key, business in BUSINESSES.items()}
                knowledge = KnowledgeIndex()
                fake = FakeGroq()
                scripted = ScriptedModel()
                fake.responder = scripted
                fake.url = await serve(fake.app(), stack)
                model = build_chat_model("heldout-key", "llama-3.3-70b-versatile", fake.url, TIMEOUT_S)

                offline, lying = Tally("offline"), Tally("lying model", drafts_known_honest=True)
                fresh_offline = Tally("offline, fresh cases")
                fresh_lying = Tally("lying model, fresh cases", drafts_known_honest=True)
                started = time.perf_counter()
                for case in cases:
                    fresh = case in FRESH_CASES
                    offline_tally, lying_tally = (fresh_offline, fresh_lying) if fresh else (offline, lying)
                    business = BUSINESSES[case.business]
                    tenant = tenants[case.business]
                    known = business.amounts
                    offline_tally.outcomes.append(
                        await run_case(
                            db, knowledge, tenant, eval_case(case), model=None, timeout_s=TIMEOUT_S, known_amounts=known
                        )
                    )
                    for lie in (False, True) if case.lie else (False,):
                        current = eval_case(case, lie=lie)
                        scripted.start(current, lie)
                        lying_tally.outcomes.append(
                            await run_case(db, knowledge, tenant, current, model=model, timeout_s=TIMEOUT_S, known_amounts=known)
                        )
                elapsed = time.perf_counter() - started
        finally:
            await client.close()
            mongo.stop()
    return {"offline": offline, "lying": lying, "fresh offline": fresh_offline, "fresh lying": fresh_lying}, elapsed


def percent(hits: int, total: int) -> float:
    return 100 * hits / total if total else 0.0


async def rows(quick: bool) -> list[Row]:
    every = 3 if quick else 1
    tallies, _ = await measure(every)
    offline = tallies["offline"].outcomes + tallies["fresh offline"].outcomes
    model = [*tallies["lying"].outcomes, *tallies["fresh lying"].outcomes]
    honest = [o for o in model if not o.case.id.endswith("#lie")]
    lies = [o for o in model if o.case.id.endswith("#lie")]
    offline_passages = [o for o in offline if o.passage_hit is not None]
    unsupported = sum(len(o.unsupported_sent) + len(o.wrong_amounts) for o in [*offline, *model])
    cases = f"{len(offline)} conversations" + (", a third of the cases" if quick else "")
    retrieval = percent(sum(bool(o.passage_hit) for o in offline_passages), len(offline_passages))
    return [
        Row(
            f"held-out set ({cases}) through a lying model: honest drafts answered",
            percent(sum(o.answered for o in honest), len(honest)),
            "%",
            percent(sum(o.answered for o in offline), len(offline)),
            "offline, same cases",
        ),
        Row(
            f"… lies that reached the customer (of {len(lies)} drafted)",
            sum(o.lie_reached for o in lies),
            "",
            target="0",
            met=not any(o.lie_reached for o in lies),
        ),
        Row("… honest drafts blocked", percent(sum(o.blocked for o in honest), len(honest)), "%"),
        Row("… retrieval hit (offline)", retrieval, "%", target=">= 90%", met=retrieval >= 90),
        Row("… wrong amounts and unsupported claims sent (both modes)", unsupported, target="0", met=unsupported == 0),
    ]


async def main(details: bool) -> None:
    tallies, elapsed = await measure()
    offline, lying, fresh_offline, fresh_lying = (tallies[k] for k in ("offline", "lying", "fresh offline", "fresh lying"))
    languages = sorted({c.lang for c in CASES})
    print(
        f"held-out set: {len(BUSINESSES)} businesses, {len(CASES)} cases, languages {', '.join(languages)}, "
        f"{sum(1 for c in CASES if c.lie)} lies ({elapsed:.1f} s)"
    )
    print_tally(offline, details=details)
    print_tally(lying, details=details)
    print(f"fresh cases, never used to tune: {len(FRESH_CASES)}")
    print_tally(fresh_offline, details=details)
    print_tally(fresh_lying, details=details)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--details", action="store_true", help="list every case that went wrong")
    sys.exit(asyncio.run(main(parser.parse_args().details)))
