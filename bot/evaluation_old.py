"""`python -m bot eval TENANT`: a quality report built from the tenant's own catalog and documents.

Questions come from what the tenant sells (price, features, objections, buying) and what its documents
cover; each runs through the same pipeline a customer's message does (Groq when a key is set, else the
offline responder), on every platform the campaign is visible on. An answer is *grounded* when the
guard accepts it and, for a question about one product, it names that product or its price.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.pipeline import run_turn
from bot.pipeline.compose import support_texts
from bot.pipeline.guard import check_reply
from bot.pipeline.types import LeadState, TurnContext
from bot.runtime.services import Platform
from bot.conversations.turns import TurnRunner
from knowledge.campaigns import visible_campaigns
from knowledge.catalog import catalog_facts
from knowledge.profiles import get_profile

PLATFORMS = ("facebook", "instagram", "whatsapp")
DOCUMENT_TOPICS = (
    ("shipping", "How much is shipping and how long does delivery take?"),
    ("return", "What is your return policy?"),
    ("refund", "Can I get a refund?"),
    ("hours", "What are your opening hours?"),
    ("warranty", "Is there a warranty?"),
)


@dataclass
class EvalQuestion:
    platform: str
    text: str
    expects: list[str] = field(default_factory=list)  # one of these must appear in a grounded answer


@dataclass
class EvalAnswer:
    question: EvalQuestion
    reply: str
    source: str
    grounded: bool
    violations: list[str]
    handoff: bool


@dataclass
class EvalReport:
    tenant_id: str
    questions: int = 0
    grounded: int = 0
    handoffs: int = 0
    ungrounded_amounts: list[str] = field(default_factory=list)
    answers: list[EvalAnswer] = field(default_factory=list)

    @property
    def handoff_rate(self) -> float:
        return self.handoffs / self.questions if self.questions else 0.0


async def build_questions(platform: Platform, tenant_id: str) -> list[EvalQuestion]:
    db = platform.db
    questions: list[EvalQuestion] = []
    for channel in PLATFORMS:
        for campaign in await visible_campaigns(db, tenant_id, channel):
            product = campaign.product
            price_forms = [f"{product.price:.2f}", f"{product.price:g}", f"{product.price:,.2f}".replace(",", "")]
            questions.append(EvalQuestion(channel, f"How much is the {product.name}?", price_forms))
            questions.append(EvalQuestion(channel, f"What do I get with {product.name}?", [product.name, *product.features[:3]]))
            for objection in list(campaign.chat_flow.objection_handling)[:2]:
                questions.append(EvalQuestion(channel, f"Hmm, {objection}", []))
            questions.append(EvalQuestion(channel, f"I want to buy the {product.name}, how do I pay?", [product.cta_url or product.name]))
        questions.append(EvalQuestion(channel, "Do you sell used cars?", []))
    chunks = await db.chunks.find({"tenant_id": tenant_id}, {"text": 1}).limit(2000).to_list(None)
    corpus = " ".join(doc.get("text", "") for doc in chunks).lower()
    for topic, question in DOCUMENT_TOPICS:
        if re.search(rf"\b{topic}", corpus):
            questions.append(EvalQuestion("facebook", question, []))
    return questions


async def evaluate_tenant(platform: Platform, tenant_id: str) -> EvalReport:
    runner = TurnRunner(platform)
    report = EvalReport(tenant_id)
    profile = await get_profile(platform.db, tenant_id)
    for question in await build_questions(platform, tenant_id):
        facts = await catalog_facts(platform.db, tenant_id, question.platform)
        campaigns = await visible_campaigns(platform.db, tenant_id, question.platform)
        passages = await platform.knowledge.search(platform.db, tenant_id, question.text, k=4, platform=question.platform)
        context = TurnContext(
            tenant_id=tenant_id, platform=question.platform, profile=profile, campaigns=campaigns,
            campaign=campaigns[0] if len(campaigns) == 1 else None, turn_texts=[question.text], lead=LeadState(),
            facts=facts, passages=passages,
        )
        result = await run_turn(context, model=runner.model, timeout_s=platform.settings.groq_timeout_s)
        verdict = check_reply(result.reply.text, facts, support=support_texts(context))
        names = not question.expects or any(e.lower() in result.reply.text.lower() for e in question.expects if e)
        answer = EvalAnswer(question, result.reply.text, result.reply.source, verdict.ok and names,
                            verdict.violations, result.reply.handoff)
        report.answers.append(answer)
        report.questions += 1
        report.grounded += answer.grounded
        report.handoffs += answer.handoff
        report.ungrounded_amounts.extend(verdict.violations)
    return report


def print_report(report: EvalReport) -> None:
    print(f"Quality report for tenant {report.tenant_id}")
    if not report.questions:
        print("  No questions: the tenant has no active campaigns or documents.")
        return
    print(f"  Questions:        {report.questions}")
    print(f"  Grounded answers: {report.grounded}/{report.questions} ({report.grounded / report.questions:.0%})")
    print(f"  Amounts not in the catalog: {len(report.ungrounded_amounts)}")
    for violation in report.ungrounded_amounts:
        print(f"    - {violation}")
    print(f"  Handoff rate:     {report.handoff_rate:.0%}")
    for answer in report.answers:
        mark = "ok " if answer.grounded else "BAD"
        print(f"  [{mark}] ({answer.question.platform}, {answer.source}) {answer.question.text}\n        → {answer.reply[:160]}")
