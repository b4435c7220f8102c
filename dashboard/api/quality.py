"""`/api/quality`: the owner's test questions, and a run of them through the bot as it is now.

`GET/POST /api/quality/questions`, `DELETE /api/quality/questions/{id}`: questions a customer might ask with
what a right reply must contain. `POST /api/quality/run {model?}`: every question answered as a customer's
first message would be (nothing sent, stored or counted), each reply with its verdict: answered, wrong,
declined (handed to the team) or blocked (refused by the checks as unsupported).
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime
from typing import Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from bot.evaluation.store import (
    MAX_QUESTIONS,
    OwnerQuestion,
    OwnerQuestionIn,
    add_question,
    delete_question,
    list_questions,
)
from bot.evaluation.verdicts import QuestionResult, run_questions
from dashboard.api.operations import ApiRoutes, Out
from dashboard.context import clock_of, db_of, engine, knowledge_of, redis_of, settings_of, tenant_id
from dashboard.errors import not_found
from dashboard.ratelimit import enforce, limit
from dashboard.schemas import DeletedOut
from knowledge.domain_errors import Refused
from knowledge.platforms import KnownPlatform

log = logging.getLogger(__name__)
routes = ApiRoutes()

# A run answers every question offline (a few milliseconds each); through the model each answer is a paid call
# of up to the model's time budget, so a run takes the first MODEL_RUN_LIMIT questions only.
OFFLINE_RUN_LIMIT = MAX_QUESTIONS
MODEL_RUN_LIMIT = 20
QUALITY_RUNS_PER_TENANT = limit("quality-run", "10/minute")
QUALITY_MODEL_RUNS_PER_TENANT = limit("quality-model-run", "5/10 minutes")
# The last run's answers, kept an hour so the page shows them again after a reload (a playground-like dry run:
# the bot's replies to the owner's own questions, dropped with the account).
LAST_RUN_KEY = "quality-run:{tenant}:last"
LAST_RUN_TTL_S = 3600
Verdict = Literal["answered", "wrong", "declined", "blocked"]


class QuestionOut(Out):
    id: str
    question: str
    expected: str = Field(description='what a right reply must contain; acceptable forms separated by "|" or new lines')
    platform: KnownPlatform | None = Field(description="the channel it is asked on; null: the first channel the business uses")
    created_at: datetime


class QuestionsOut(Out):
    questions: list[QuestionOut]
    limit: int = Field(description="how many test questions a business can keep")


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: bool = Field(
        default=False, description=f"answer through the AI model (needs one set up; the first {MODEL_RUN_LIMIT} questions)"
    )


class ResultOut(Out):
    id: str = Field(description="the test question's id")
    question: str
    expected: str
    reply: str = Field(description="what the customer would receive")
    verdict: Verdict = Field(
        description="answered: the reply contains the expected answer; blocked: the bot's draft was refused as "
        "unsupported and what would be sent lacks it; declined: handed to the team without it; wrong: anything else"
    )
    platform: KnownPlatform
    source: Literal["offline", "llm"] = Field(description="who wrote the reply: the offline responder or the model")


class RunOut(Out):
    results: list[ResultOut]
    answered: int
    total: int = Field(description="questions run")
    skipped: int = Field(description="questions not run: beyond what one run with the model answers")
    mode: Literal["offline", "model"]
    ran_at: datetime


def question_out(question: OwnerQuestion) -> QuestionOut:
    return QuestionOut.model_validate(question.model_dump())


def result_out(result: QuestionResult) -> ResultOut:
    question = result.question
    return ResultOut(
        id=question.id,
        question=question.question,
        expected=question.expected,
        reply=result.reply,
        verdict=result.verdict.value,
        platform=result.platform,
        source=result.source,
    )


@routes.get("/api/quality/questions")
async def list_all(request: web.Request) -> QuestionsOut:
    """Your test questions, oldest first."""
    questions = await list_questions(db_of(request), tenant_id(request))
    return QuestionsOut(questions=[question_out(q) for q in questions], limit=MAX_QUESTIONS)


@routes.post("/api/quality/questions", status=201, errors=(409,))
async def create(request: web.Request, body: OwnerQuestionIn) -> QuestionOut:
    """Add a test question with what a right reply must contain."""
    question = await add_question(db_of(request), tenant_id(request), body, clock_of(request).now())
    log.info("test question added", extra={"question_id": question.id})
    return question_out(question)


@routes.delete("/api/quality/questions/{id}")
async def remove(request: web.Request) -> DeletedOut:
    """Delete a test question."""
    if not await delete_question(db_of(request), tenant_id(request), request.match_info["id"]):
        raise not_found("test_question")
    return DeletedOut(deleted=True)


async def run_for(request: web.Request, with_model: bool) -> RunOut:
    """Run the business's questions (the page calls this too); 409 when the model is asked for but not set up."""
    tenant = tenant_id(request)
    model = engine(request).model if with_model else None
    if with_model and model is None:
        raise Refused("no_model")
    await enforce(request, QUALITY_RUNS_PER_TENANT, tenant)
    if with_model:
        await enforce(request, QUALITY_MODEL_RUNS_PER_TENANT, tenant)
    questions = await list_questions(db_of(request), tenant)
    chosen = questions[: MODEL_RUN_LIMIT if with_model else OFFLINE_RUN_LIMIT]
    results = await run_questions(
        db_of(request), knowledge_of(request), tenant, chosen, model=model, timeout_s=settings_of(request).groq_timeout_s
    )
    verdicts = Counter(r.verdict.value for r in results)
    log.info("test questions run", extra={"mode": "model" if with_model else "offline", "total": len(results), **verdicts})
    answer = RunOut(
        results=[result_out(r) for r in results],
        answered=verdicts["answered"],
        total=len(results),
        skipped=len(questions) - len(chosen),
        mode="model" if with_model else "offline",
        ran_at=clock_of(request).now(),
    )
    await redis_of(request).set(LAST_RUN_KEY.format(tenant=tenant), answer.model_dump_json(), ex=LAST_RUN_TTL_S)
    return answer


async def last_run(request: web.Request) -> RunOut | None:
    """The business's last run within the hour, if any."""
    raw = await redis_of(request).get(LAST_RUN_KEY.format(tenant=tenant_id(request)))
    return RunOut.model_validate_json(raw) if raw else None


@routes.post("/api/quality/run", errors=(409, 429))
async def run(request: web.Request, body: RunIn) -> RunOut:
    """Run your test questions through the bot as it is now (offline, or through the AI model): nothing is sent."""
    return await run_for(request, body.model)
