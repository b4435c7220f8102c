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
from _harness import serve
from pymongo import AsyncMongoClient

from bot.evaluation.runner import Tally, print_tally, run_case
from bot.runtime.chat_model import build_chat_model
from bot.runtime.embedded import start_mongo
from knowledge.retrieval import KnowledgeIndex
from tests.fakes.groq_server import FakeGroq
from tests.heldout.businesses import BUSINESSES, CASES, FRESH_CASES
from tests.heldout.seed import ScriptedModel, eval_case, seed

TIMEOUT_S = 5.0


async def main(details: bool) -> None:
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
                for case in [*CASES, *FRESH_CASES]:
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
