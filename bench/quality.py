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
import json
import re
import sys
import tempfile
import time
import uuid
from contextlib import AsyncExitStack
from pathlib import Path

import _harness  # noqa: F401  (puts the project on sys.path)
from _harness import serve
from pymongo import AsyncMongoClient

from bot.evaluation.cases import EvalCase, Lie
from bot.evaluation.runner import Tally, print_tally, run_case
from bot.pipeline.llm import build_chat_model
from bot.runtime.embedded import start_mongo
from knowledge.campaigns import create_campaign
from knowledge.documents import add_document
from knowledge.models import BusinessProfile, CampaignIn, ProductIn
from knowledge.profiles import save_profile
from knowledge.retrieval import KnowledgeIndex
from tests.fakes.groq_server import Behaviour, FakeGroq, tool_answer
from tests.heldout.businesses import BUSINESSES, CASES, FRESH_CASES, Business, Case

TIMEOUT_S = 5.0


def eval_case(case: Case, *, lie: bool = False) -> EvalCase:
    return EvalCase(
        id=f"{case.business}:{case.id}{'#lie' if lie else ''}", text=case.text, kind=case.kind,
        platform=case.platform, lang=case.lang, answer=case.answer, passage=case.passage, honest=case.honest,
        lie=Lie(case.lie.category, case.lie.reply, case.lie.markers) if case.lie else None, turns=case.turns,
    )


async def seed(db, business: Business) -> str:
    tenant_id = f"heldout_{business.key}"
    await save_profile(db, tenant_id, BusinessProfile.model_validate(business.profile))
    for campaign in business.campaigns:
        data = json.loads(json.dumps(campaign))
        if "billing_period" not in ProductIn.model_fields:
            data["product"].pop("billing_period", None)
        await create_campaign(db, tenant_id, CampaignIn.model_validate(data))
    await add_document(db, tenant_id, business.document_name, business.document_type, business.document)
    return tenant_id


class ScriptedModel:
    """The scripted model's answer for the case being run: its lie on the first call of a lying run, the honest
    answer otherwise (also when asked again after a refused answer)."""

    def __init__(self) -> None:
        self.case: EvalCase | None = None
        self.lying = False
        self.calls = 0

    def start(self, case: EvalCase, lying: bool) -> None:
        self.case, self.lying, self.calls = case, lying, 0

    def __call__(self, body: dict) -> Behaviour:
        assert self.case is not None
        self.calls += 1
        system = "\n".join(str(m.get("content") or "") for m in body.get("messages", []) if m.get("role") == "system")
        cited = [ident for ident, text in re.findall(r'<document id="([^"]+)"[^>]*>\n(.*?)\n</document>', system, re.DOTALL)
                 if self.case.passage and self.case.passage.lower() in " ".join(text.lower().split())]
        if self.lying and self.calls == 1 and self.case.lie is not None:
            return tool_answer({"reply": self.case.lie.reply, "facts_used": [], "sources": cited[:1]})
        return tool_answer({"reply": self.case.honest, "facts_used": [], "sources": cited[:1]})


async def main(details: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="quality-") as tmp:
        mongo = await start_mongo(Path(tmp))
        client: AsyncMongoClient = AsyncMongoClient(mongo.uri, tz_aware=True)
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
                    offline_tally.outcomes.append(await run_case(db, knowledge, tenant, eval_case(case), model=None,
                                                           timeout_s=TIMEOUT_S, known_amounts=known))
                    for lie in (False, True) if case.lie else (False,):
                        current = eval_case(case, lie=lie)
                        scripted.start(current, lie)
                        lying_tally.outcomes.append(await run_case(db, knowledge, tenant, current, model=model,
                                                             timeout_s=TIMEOUT_S, known_amounts=known))
                elapsed = time.perf_counter() - started
        finally:
            await client.close()
            mongo.stop()
    languages = sorted({c.lang for c in CASES})
    print(f"held-out set: {len(BUSINESSES)} businesses, {len(CASES)} cases, languages {', '.join(languages)}, "
          f"{sum(1 for c in CASES if c.lie)} lies ({elapsed:.1f} s)")
    print_tally(offline, details=details)
    print_tally(lying, details=details)
    print(f"fresh cases, never used to tune: {len(FRESH_CASES)}")
    print_tally(fresh_offline, details=details)
    print_tally(fresh_lying, details=details)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--details", action="store_true", help="list every case that went wrong")
    sys.exit(asyncio.run(main(parser.parse_args().details)))
