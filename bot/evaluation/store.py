"""The owner's own test questions: what a customer might ask and what a right reply must contain.

Collection `quality_questions`, one document per question: `{_id, tenant_id, question, expected, platform?,
created_at}` (no platform stored means "the first channel the business uses"). A business keeps at most
`MAX_QUESTIONS`; every read and delete is filtered on the tenant, so another business's id finds nothing.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from pymongo import ASCENDING, IndexModel

from bot.evaluation.expected import alternatives, tokens, within
from knowledge.db import Db
from knowledge.domain_errors import Refused
from knowledge.platforms import KnownPlatform

COLLECTION = "quality_questions"
MAX_QUESTIONS = 200
MAX_QUESTION_CHARS = 500
MAX_EXPECTED_CHARS = 500


class TooManyQuestions(Refused):
    """The business has `MAX_QUESTIONS` already."""

    def __init__(self) -> None:
        super().__init__("too_many_questions", limit=MAX_QUESTIONS)


class OwnerQuestionIn(BaseModel):
    """A test question as the owner writes it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    question: str = Field(
        max_length=MAX_QUESTION_CHARS, description="what a customer would write", examples=["When do you open on Saturday?"]
    )
    expected: str = Field(
        max_length=MAX_EXPECTED_CHARS,
        description='what a right reply must contain; several acceptable forms separated by "|" or new lines '
        "(case, accents, punctuation and number formats like 9:00 / 9.00 or 1,200 / 1200 do not matter)",
        examples=["9:00 | 9am"],
    )
    platform: KnownPlatform | None = Field(
        default=None, description="the channel the question is asked on; empty: the first channel the business uses"
    )

    @field_validator("platform", mode="before")
    @classmethod
    def _empty_platform_is_any(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("question")
    @classmethod
    def _question_written(cls, value: str) -> str:
        if not value:
            raise PydanticCustomError("question_missing", "write the question a customer would ask")
        return value

    @field_validator("expected")
    @classmethod
    def _expected_has_words(cls, value: str, info: ValidationInfo) -> str:
        if not value:
            raise PydanticCustomError(
                "expected_missing", "write what a right answer must contain, e.g. a price, a time or a word"
            )
        forms = alternatives(value)
        if not forms:
            raise PydanticCustomError("expected_no_word", "write at least one word or number a right answer must contain")
        # A reply that only repeats the customer's words ("we don't sell saunas") would pass such a test.
        question = tokens(info.data.get("question") or "")
        if all(within(question, tokens(form)) for form in forms):
            raise PydanticCustomError(
                "expected_repeats_question",
                "the question already says this; write what the answer adds, e.g. “yes”, a price, a time or a place",
            )
        return value


class OwnerQuestion(BaseModel):
    id: str
    question: str
    expected: str
    platform: KnownPlatform | None = None
    created_at: datetime

    @property
    def forms(self) -> list[str]:
        """The acceptable forms of the expected answer."""
        return alternatives(self.expected)


async def ensure_indexes(db: Db) -> None:
    await db[COLLECTION].create_indexes([IndexModel([("tenant_id", ASCENDING), ("created_at", ASCENDING)])])


def _from_doc(doc: dict[str, Any]) -> OwnerQuestion:
    return OwnerQuestion(
        id=doc["_id"],
        question=doc["question"],
        expected=doc["expected"],
        platform=doc.get("platform") or None,
        created_at=doc["created_at"],
    )


async def list_questions(db: Db, tenant_id: str, *, limit: int = MAX_QUESTIONS) -> list[OwnerQuestion]:
    """The business's questions, oldest first."""
    cursor = db[COLLECTION].find({"tenant_id": tenant_id}).sort([("created_at", ASCENDING), ("_id", ASCENDING)]).limit(limit)
    return [_from_doc(doc) async for doc in cursor]


async def count_questions(db: Db, tenant_id: str) -> int:
    return await db[COLLECTION].count_documents({"tenant_id": tenant_id})


async def add_question(db: Db, tenant_id: str, question: OwnerQuestionIn, now: datetime) -> OwnerQuestion:
    """Store a question; TooManyQuestions when the business has its fill (also when two arrive at once)."""
    if await count_questions(db, tenant_id) >= MAX_QUESTIONS:
        raise TooManyQuestions()
    doc: dict[str, Any] = {
        "_id": "tq_" + secrets.token_hex(10),
        "tenant_id": tenant_id,
        "question": question.question,
        "expected": question.expected,
        "created_at": now,
    }
    if question.platform:
        doc["platform"] = question.platform
    await db[COLLECTION].insert_one(doc)
    # Adds racing past the first count see each other here and give way: the bound holds, the owner retries.
    if await count_questions(db, tenant_id) > MAX_QUESTIONS:
        await db[COLLECTION].delete_one({"_id": doc["_id"], "tenant_id": tenant_id})
        raise TooManyQuestions()
    return _from_doc(doc)


async def delete_question(db: Db, tenant_id: str, question_id: str) -> bool:
    """False when the business has no such question (another business's id included)."""
    result = await db[COLLECTION].delete_one({"_id": question_id, "tenant_id": tenant_id})
    return result.deleted_count == 1


async def delete_tenant_data(db: Db, tenant_id: str) -> int:
    """Remove the business's test questions (a deleted account)."""
    return (await db[COLLECTION].delete_many({"tenant_id": tenant_id})).deleted_count
