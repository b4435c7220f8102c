"""Runs the frozen recall set (tests/bot/pipeline/recall_set.py) through the steps a customer's turn takes.

Each question is searched as the engine searches (its query, k = the engine's passage count), answered offline
or through a model, and scored: did the answering passage reach the prompt, does the reply carry the answer,
did it quote a document sentence that does not answer (for a question no document answers, any quote is a
wrong answer), and did it state anything the tenant's words do not carry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.conversations.turn_context import PASSAGES
from bot.evaluation.cases import EvalCase
from bot.evaluation.checks import answers, folded, passage_found, wrong_amounts
from bot.pipeline import choose_campaign, run_turn
from bot.pipeline.claims import numbers_said, unsupported
from bot.pipeline.model_client import ModelClient
from bot.pipeline.query import retrieval_query, rewritten_query, search_query
from bot.pipeline.turn_view import clean_sentences
from bot.pipeline.types import HistoryItem, LeadState, TurnContext, TurnResult
from bot.pipeline.verify import ignored_phrases, support_texts
from knowledge.campaigns import create_campaign
from knowledge.db import Db
from knowledge.documents import add_document
from knowledge.models import BusinessProfile, CampaignIn
from knowledge.profiles import save_profile
from knowledge.retrieval import KnowledgeIndex
from tests.bot.pipeline.recall_set import QUESTIONS, SHOPS, Question, Shop

# What a turn searches with, given the customer's burst and the conversation so far.
QueryFor = Callable[[Question, str, list[HistoryItem]], Awaitable[str]]


async def engine_query(question: Question, text: str, history: list[HistoryItem]) -> str:  # noqa: ARG001 # every query builder takes the question; this one is the engine's own
    return retrieval_query([text], history)


@dataclass
class Outcome:
    question: Question
    reply: str
    source: str
    passages: list[str]
    answered: bool  # for an unanswerable question: False
    passage_hit: bool | None  # None when no passage holds the answer
    # A document sentence quoted that does not answer (any quote, for a question no document answers).
    quoted_wrong: bool
    unsupported_sent: list[str] = field(default_factory=list)
    wrong_amounts: list[str] = field(default_factory=list)


async def seed_shop(db: Db, shop: Shop) -> str:
    tenant_id = f"recall_{shop.key}"
    await save_profile(db, tenant_id, BusinessProfile.model_validate(shop.profile))
    for campaign in shop.campaigns:
        await create_campaign(db, tenant_id, CampaignIn.model_validate(json.loads(json.dumps(campaign))))
    for document in shop.documents:
        await add_document(db, tenant_id, document.name, document.content_type, document.data)
    return tenant_id


def _eval_case(question: Question) -> EvalCase:
    return EvalCase(
        id=f"{question.shop}:{question.id}",
        text=question.text,
        kind=question.kind,
        lang=question.lang,
        answer=question.answer,
        passage=question.needle,
        turns=question.turns,
        amount=question.amount,
    )


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", folded(text)).strip()


def shop_sentences(shop: Shop) -> list[str]:
    """Every sentence of the shop's documents and profile description that says something (four words or more)."""
    found = [s for document in shop.documents for s in clean_sentences(document.text)]
    found += clean_sentences(shop.profile.get("description", ""))
    return [_normal(s) for s in found if len(s.split()) >= 4]


def quotes_wrong_sentence(question: Question, reply: str, sentences: list[str]) -> bool:
    said = _normal(reply)
    answer = _normal(question.sentence) if question.sentence else ""
    for sentence in sentences:
        core = sentence.rstrip(".!?;: ")
        if core and core in said and (not answer or (core not in answer and answer.rstrip(".") not in sentence)):
            return True
    return False


async def _turn(
    db: Db,
    knowledge: KnowledgeIndex,
    tenant_id: str,
    question: Question,
    text: str,
    history: list[HistoryItem],
    lead: LeadState,
    campaign_id: str,
    model: ModelClient | None,
    timeout_s: float,
    query_for: QueryFor,
) -> tuple[TurnContext, TurnResult]:
    query = await query_for(question, text, history)
    turn = await knowledge.for_turn(db, tenant_id, query, platform="facebook", k=PASSAGES)
    campaigns = turn.facts.products
    current = next((c for c in campaigns if c.id == campaign_id), None)
    ctx = TurnContext(
        tenant_id=tenant_id,
        platform="facebook",
        customer_name="",
        customer_id="",
        profile=turn.profile,
        campaigns=campaigns,
        campaign=choose_campaign(text, campaigns, current),
        history=history,
        turn_texts=[text],
        lead=lead,
        facts=turn.facts,
        passages=turn.passages,
    )
    return ctx, await run_turn(ctx, model=model, timeout_s=timeout_s)


async def ask(
    db: Db,
    knowledge: KnowledgeIndex,
    tenant_id: str,
    shop: Shop,
    question: Question,
    *,
    model: ModelClient | None = None,
    timeout_s: float = 2.0,
    query_for: QueryFor = engine_query,
) -> Outcome:
    """The question's earlier turns answered offline, then the question itself (through `model` if given)."""
    history: list[HistoryItem] = []
    lead = LeadState()
    campaign_id = ""
    for earlier in question.turns:
        ctx, result = await _turn(
            db, knowledge, tenant_id, question, earlier, history, lead, campaign_id, None, timeout_s, query_for
        )
        history += [HistoryItem(sender="customer", text=earlier), HistoryItem(sender="bot", text=result.reply.text)]
        lead = result.lead
        campaign_id = ctx.campaign.id if ctx.campaign else campaign_id
    ctx, result = await _turn(
        db, knowledge, tenant_id, question, question.text, history, lead, campaign_id, model, timeout_s, query_for
    )
    reply = result.reply
    case = _eval_case(question)
    links = [c.product.cta_url for c in ctx.facts.products if c.product.cta_url]
    customer = numbers_said(" ".join([*question.turns, question.text]))
    return Outcome(
        question=question,
        reply=reply.text,
        source=reply.source,
        passages=[p.text for p in ctx.passages],
        answered=question.kind != "unanswerable" and answers(case, reply.text, handoff=reply.handoff, links=links),
        passage_hit=passage_found(case, [p.text for p in ctx.passages]) if question.needle else None,
        quoted_wrong=quotes_wrong_sentence(question, reply.text, shop_sentences(shop)),
        unsupported_sent=unsupported(
            reply.text, [], support_texts(ctx), ignore=ignored_phrases(ctx, reply.text), customer_numbers=customer
        ),
        wrong_amounts=wrong_amounts(reply.text, SHOPS[question.shop].amounts),
    )


async def run_set(
    db: Db,
    knowledge: KnowledgeIndex,
    *,
    split: str | None = None,
    model: ModelClient | None = None,
    query_for: QueryFor = engine_query,
    timeout_s: float = 2.0,
    before_each: Callable[[Question], None] | None = None,
) -> list[Outcome]:
    """Every question of the set (of one split, if given), each business seeded once."""
    shops = [shop for shop in SHOPS.values() if split is None or shop.split == split]
    tenants = {shop.key: await seed_shop(db, shop) for shop in shops}
    outcomes = []
    for question in QUESTIONS:
        if question.shop not in tenants:
            continue
        if before_each is not None:
            before_each(question)
        outcomes.append(
            await ask(
                db,
                knowledge,
                tenants[question.shop],
                SHOPS[question.shop],
                question,
                model=model,
                timeout_s=timeout_s,
                query_for=query_for,
            )
        )
    return outcomes


@dataclass
class Row:
    retrieval: tuple[int, int] = (0, 0)
    answered: tuple[int, int] = (0, 0)
    declined: tuple[int, int] = (0, 0)  # unanswerable questions that quoted no document sentence
    wrong_quotes: int = 0  # answerable questions answered with a sentence that does not answer
    unsupported: int = 0


def _add(pair: tuple[int, int], hit: bool) -> tuple[int, int]:
    return pair[0] + int(hit), pair[1] + 1


def rows(outcomes: list[Outcome], key: Callable[[Outcome], str]) -> dict[str, Row]:
    table: dict[str, Row] = {}
    for outcome in outcomes:
        for name in (key(outcome), "all"):
            row = table.setdefault(name, Row())
            if outcome.question.kind == "unanswerable":
                row.declined = _add(row.declined, not outcome.quoted_wrong)
            else:
                row.answered = _add(row.answered, outcome.answered)
                row.wrong_quotes += int(outcome.quoted_wrong and not outcome.answered)
            if outcome.passage_hit is not None:
                row.retrieval = _add(row.retrieval, outcome.passage_hit)
            row.unsupported += len(outcome.unsupported_sent) + len(outcome.wrong_amounts)
    return table


def rate(pair: tuple[int, int]) -> str:
    return f"{pair[0]}/{pair[1]}" if pair[1] else "–"


def rewriting(model: ModelClient) -> QueryFor:
    """The search a turn makes when a model is configured: its standalone reading of the question beside the
    customer's words (earlier turns of a case are searched as the engine would without one)."""

    async def query_for(question: Question, text: str, history: list[HistoryItem]) -> str:
        rewrite = await rewritten_query(model, [text], history) if text == question.text else None
        return search_query(retrieval_query([text], history), rewrite)

    return query_for
