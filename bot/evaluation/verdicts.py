"""The owner's test questions run through the reply pipeline, each reply judged against the expected answer.

Each question is a fresh conversation on its channel (or the first channel the business uses): the turn sees
what a customer's first message there would see, and `run_turn` answers it, offline or through the model.
Nothing is stored, sent or counted. The verdict, in order:

- "answered": the reply contains one of the expected forms (bot/evaluation/expected.py);
- "blocked": the checks refused the bot's draft as unsupported, and what would be sent lacks the answer;
- "declined": the reply hands the customer to the team or says the team will answer, without the answer;
- "wrong": anything else (a reply that answers something, but not with what the owner expects).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from bot.evaluation.expected import carries, fold
from bot.evaluation.runner import answer_turn
from bot.evaluation.store import OwnerQuestion
from bot.pipeline.model_client import ModelClient
from bot.pipeline.phrases import every_translation
from channels.accounts import list_accounts
from knowledge.campaigns import visible_campaigns
from knowledge.db import Db
from knowledge.platforms import KNOWN_PLATFORMS
from knowledge.retrieval import KnowledgeIndex

# The offline responder's own ways of passing a question to the team, in every language it speaks.
_DECLINE_PHRASES = ("handoff", "handoff_unanswered", "apology_handoff", "check_team", "dont_know", "offer_person")
# A model's own words for the same ("I'll check with the team", "our team will get back to you").
_TEAM_WILL_ANSWER = re.compile(
    r"\b(?:check|ask|confirm)\w*\b.{0,30}\b(?:team|colleagues?|staff)\b|"
    r"\b(?:team|colleagues?|staff|a person)\b.{0,40}\b(?:get back|reach out|contact you|take over|will answer|will reply)\b",
    re.IGNORECASE,
)
MODEL_CONCURRENCY = 4


class Verdict(StrEnum):
    answered = "answered"
    wrong = "wrong"
    declined = "declined"
    blocked = "blocked"


@dataclass(frozen=True)
class QuestionResult:
    question: OwnerQuestion
    platform: str
    reply: str
    verdict: Verdict
    source: str  # "offline" or "llm": who wrote the reply that would be sent


@cache
def _decline_phrases() -> tuple[str, ...]:
    found: list[str] = []
    for key in _DECLINE_PHRASES:
        try:
            found.extend(fold(text) for text in every_translation(key).values())
        except (KeyError, ValueError):
            continue  # a sentence the responder no longer has
    return tuple(dict.fromkeys(text for text in found if text))


def says_team_will_answer(reply: str) -> bool:
    folded = fold(reply)
    return any(phrase in folded for phrase in _decline_phrases()) or _TEAM_WILL_ANSWER.search(folded) is not None


def verdict_of(reply: str, forms: list[str], *, handoff: bool, guard_blocked: bool) -> Verdict:
    """Pure: what the owner should read about one reply (see the module's doc for the order)."""
    if carries(reply, forms):
        return Verdict.answered
    if guard_blocked:
        return Verdict.blocked
    if handoff or says_team_will_answer(reply):
        return Verdict.declined
    return Verdict.wrong


async def default_platform(db: Db, tenant_id: str) -> str:
    """The channel a question without one is asked on: the first connected, else the first where a campaign
    is visible, else Messenger."""
    for account in await list_accounts(db, tenant_id):
        if account.platform in KNOWN_PLATFORMS:
            return account.platform
    for platform in KNOWN_PLATFORMS:
        if await visible_campaigns(db, tenant_id, platform):
            return platform
    return KNOWN_PLATFORMS[0]


async def run_questions(
    db: Db,
    knowledge: KnowledgeIndex,
    tenant_id: str,
    questions: list[OwnerQuestion],
    *,
    model: ModelClient | None,
    timeout_s: float,
) -> list[QuestionResult]:
    """Every question answered as a customer's first message, in the order given. Through a model a few run at
    once, each within the model's time budget."""
    fallback = await default_platform(db, tenant_id)
    gate = asyncio.Semaphore(MODEL_CONCURRENCY if model is not None else 1)

    async def one(question: OwnerQuestion) -> QuestionResult:
        platform = question.platform or fallback
        async with gate:
            _, result = await answer_turn(db, knowledge, tenant_id, platform, question.question, model=model, timeout_s=timeout_s)
        reply = result.reply.text
        verdict = verdict_of(reply, question.forms, handoff=result.reply.handoff, guard_blocked=result.guard_blocked)
        return QuestionResult(question=question, platform=platform, reply=reply, verdict=verdict, source=result.reply.source)

    return list(await asyncio.gather(*(one(q) for q in questions)))
