"""`python -m bot eval TENANT [--model]`: an honest quality report built from the tenant's own data.

Cases are the owner's own test questions first (bot/evaluation/store.py), then questions built from what the
tenant sells and what its documents say (bot/evaluation/build.py); each runs through the same steps a
customer's turn takes, offline and, with --model, through the model. A reply counts as answered only when it
contains what answers the question (the owner's expected answer, the price, the product names, the words and
numbers of the sentence that answers, the link, the handoff); a case with nothing to look for never counts.
The same store and a run of the owner's questions alone (bot/evaluation/verdicts.py) serve the owner's
"Test questions" page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.evaluation.build import catalog_cases, document_cases, owner_cases
from bot.evaluation.runner import Tally, print_tally, run_case
from bot.evaluation.store import list_questions
from bot.evaluation.verdicts import default_platform
from bot.pipeline.guard import campaign_texts
from bot.pipeline.model_client import ModelClient
from knowledge.campaigns import visible_campaigns
from knowledge.catalog import owner_texts
from knowledge.db import Db
from knowledge.models import Campaign
from knowledge.money import extract_amounts
from knowledge.platforms import KNOWN_PLATFORMS
from knowledge.retrieval import KnowledgeIndex
from knowledge.snapshot import load_tenant_knowledge


class UnknownTenant(Exception):
    """The tenant has no profile, campaign or document: there is nothing to evaluate."""


@dataclass
class EvalReport:
    tenant_id: str
    cases: int = 0
    tallies: list[Tally] = field(default_factory=list)


async def evaluate_tenant(
    db: Db, index: KnowledgeIndex, tenant_id: str, *, model: ModelClient | None = None, timeout_s: float = 8.0
) -> EvalReport:
    knowledge = await load_tenant_knowledge(db, tenant_id)
    own = await list_questions(db, tenant_id)
    if knowledge.profile is None and not knowledge.campaigns and not knowledge.chunks and not own:
        raise UnknownTenant(tenant_id)
    fallback = await default_platform(db, tenant_id)
    by_platform: dict[str, list[Campaign]] = {
        channel: await visible_campaigns(db, tenant_id, channel) for channel in KNOWN_PLATFORMS
    }
    cases = [
        *owner_cases(own, lambda question: question.platform or fallback),
        *catalog_cases(by_platform),
        *document_cases(knowledge.chunks),
    ]
    texts = [*owner_texts(knowledge), *(t for c in knowledge.campaigns for t in campaign_texts(c))]
    known = [(c.product.price_cents, c.product.currency) for c in knowledge.campaigns]
    known += [(a.minor, a.currency) for text in texts for a in extract_amounts(text) if a.currency]
    report = EvalReport(tenant_id, cases=len(cases))
    modes: list[tuple[str, ModelClient | None]] = [("offline", None)]
    if model is not None:
        modes.append(("model", model))
    for name, chosen in modes:
        tally = Tally(name)
        for case in cases:
            tally.outcomes.append(
                await run_case(
                    db,
                    index,
                    tenant_id,
                    case,
                    model=chosen,
                    timeout_s=timeout_s,
                    known_amounts=known,
                    tenant_texts=texts,
                )
            )
        report.tallies.append(tally)
    return report


def print_report(report: EvalReport, *, details: bool = True) -> None:
    print(f"Quality report for tenant {report.tenant_id}: {report.cases} questions")
    if not report.cases:
        print("  No questions: the tenant has no active campaigns or documents.")
        return
    for tally in report.tallies:
        print_tally(tally, details=details)


__all__ = ["EvalReport", "UnknownTenant", "evaluate_tenant", "print_report"]
