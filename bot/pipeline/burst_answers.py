"""Offline, a burst that asks several questions gets an answer to each, in the order asked, in one reply.

Each question is answered by the offline responder as if it had come as a turn of its own right after the
earlier ones: their messages are in its history and its lead counts them, so only the first answer opens with the
owner's greeting. A follow-up ("and is the mat included?") the responder cannot answer alone is read together
with the question before it, as one question. The answers are joined without what an earlier one said already,
and the owner's next qualification question is asked once, at the end.

A question no answer was found for is passed to a person ("I'll check with the team"); when the reply answers
others beside it, its messages are named in `Reply.unanswered`, to wait for that person. A reply that answers
none of the turn is the turn's answer as a whole, as for a single question.
"""

from __future__ import annotations

import dataclasses
import re

from bot.pipeline.burst_questions import QUESTION_INTENTS, Question, burst_questions, history_before
from bot.pipeline.classify import classify_turn
from bot.pipeline.offline import offline_reply
from bot.pipeline.own_words import customer_own_words
from bot.pipeline.query import opens_as_follow_up
from bot.pipeline.text import fold, split_sentences
from bot.pipeline.turn_view import language_of, visible_campaigns
from bot.pipeline.types import Classification, Intent, Reading, Reply, TurnContext

# The offline responder's mark on a reply that leaves the question to a person (who then has the conversation).
UNANSWERED = "unanswered"
# What the offline responder answers with substance. A question read as something else (a complaint around it)
# is answered as the question its asking message is.
_ANSWERED_AS_READ = QUESTION_INTENTS | {Intent.objection, Intent.buying_signal}
_NEXT_QUESTION = "question:"
# A sentence of a quote ("Our information says: «…»") stays even when said before: without it the quote breaks.
_QUOTE_MARKS = re.compile(r"[«»“”„\"]")


def answer_each_question(ctx: TurnContext, classification: Classification) -> Reply:
    """The offline reply to a turn: an answer to each question when its messages ask several (each read on its
    own: `classification` is the whole burst's), else the offline responder's reply to the whole turn."""
    lang = language_of(ctx)
    questions = burst_questions(ctx.turn_texts, lang)
    if len(questions) < 2:
        return offline_reply(ctx, classification)
    asked: list[Question] = []
    answers: list[Reply] = []
    for question in questions:
        answer = _answer(ctx, [*asked, question], len(asked), lang)
        if asked and UNANSWERED in answer.facts_used and opens_as_follow_up(ctx.turn_texts[question.asks]):
            together = Question((*asked[-1].positions, *question.positions), asked[-1].asks)
            joint = _answer(ctx, [*asked[:-1], together], len(asked) - 1, lang)
            if UNANSWERED not in joint.facts_used:
                asked[-1], answers[-1] = together, joint
                continue
        asked.append(question)
        answers.append(answer)
    return _joined(ctx, asked, answers)


def _answer(ctx: TurnContext, questions: list[Question], index: int, lang: str) -> Reply:
    classification = _reading(ctx.turn_texts, questions[index], lang)
    return offline_reply(_as_its_own_turn(ctx, questions, index, classification, lang), classification)


def _as_its_own_turn(
    ctx: TurnContext, questions: list[Question], index: int, classification: Classification, lang: str
) -> TurnContext:
    earlier = [text for question in questions[:index] for text in question.texts(ctx.turn_texts) if text.strip()]
    # One reply speaks one language: the burst's, also for a question too short for the detector to be sure of
    # ("do you ship to canada"). The model's "asks what you sell" may be any question's, so no single one is
    # answered with the catalog on its word.
    burst = ctx.reading or Reading(language=lang, intent=classification.intent, asks_catalog=False, asks_question=True)
    # The model's queries rewrite the whole burst: with several questions, none of them is this question's alone.
    queries = burst.queries if len(questions) == 1 else ()
    reading = dataclasses.replace(burst, language=lang, asks_catalog=False, queries=queries)
    return ctx.model_copy(
        update={
            "turn_texts": questions[index].texts(ctx.turn_texts),
            "history": history_before(index, questions, ctx.turn_texts, ctx.history),
            "lead": ctx.lead.model_copy(update={"messages_in": ctx.lead.messages_in + len(earlier)}),
            "reading": reading,
        }
    )


def _reading(turn_texts: list[str], question: Question, lang: str) -> Classification:
    own = [text for text in (customer_own_words(t) for t in question.texts(turn_texts)) if text.strip()]
    read = classify_turn(own, None, lang)
    if read.intent in _ANSWERED_AS_READ:
        return read
    return classify_turn([customer_own_words(turn_texts[question.asks])], None, lang)


def _joined(ctx: TurnContext, questions: list[Question], drafts: list[Reply]) -> Reply:
    # The owner's next question is asked once, after every answer, when the last answer would have asked it.
    stripped = [_without_next_question(ctx, draft) for draft in drafts]
    answers = [answer for answer, _ in stripped]
    next_question, mark = stripped[-1][1]
    said: set[str] = set()
    parts = [part for part in (_unsaid(answer.text, said) for answer in answers) if part]
    return Reply(
        text=" ".join([*parts, next_question]).strip(),
        source="offline",
        facts_used=list(dict.fromkeys([*(fact for answer in answers for fact in answer.facts_used), *mark])),
        lead_fields=answers[0].lead_fields,
        cta_sent=any(answer.cta_sent for answer in answers),
        handoff=any(answer.handoff for answer in answers),
        asked_question=bool(next_question),
        product_name=next((answer.product_name for answer in answers if answer.product_name), ""),
        unanswered=_left_beside_answers(questions, answers),
    )


def _left_beside_answers(questions: list[Question], answers: list[Reply]) -> list[int]:
    """The messages of the questions passed to a person, when the reply answers others (else it is the answer
    to the whole turn, as a single question's "I'll check with the team" is)."""
    if all(UNANSWERED in answer.facts_used for answer in answers):
        return []
    return [
        position
        for question, answer in zip(questions, answers, strict=True)
        if UNANSWERED in answer.facts_used
        for position in question.positions
    ]


def _unsaid(text: str, said: set[str]) -> str:
    """What of an answer an earlier one has not said (noting it in `said`): two questions about one product get
    its facts once, a document sentence that answers both is quoted once."""
    if fold(text) in said:
        return ""
    kept = [sentence for sentence in split_sentences(text) if fold(sentence) not in said or _QUOTE_MARKS.search(sentence)]
    said.update(fold(sentence) for sentence in kept)
    said.add(fold(text))
    return " ".join(kept)


def _without_next_question(ctx: TurnContext, answer: Reply) -> tuple[Reply, tuple[str, list[str]]]:
    """The answer without the owner's qualification question the offline responder put at its end, and that
    question with its mark ("question:2"); ("", []) when it asked none."""
    marks = [fact for fact in answer.facts_used if fact.startswith(_NEXT_QUESTION)]
    if not answer.asked_question or not marks or not marks[0].removeprefix(_NEXT_QUESTION).isdigit():
        return answer, ("", [])
    number = int(marks[0].removeprefix(_NEXT_QUESTION))
    for campaign in visible_campaigns(ctx):
        flow = campaign.chat_flow.qualification_questions
        question = flow[number - 1].strip() if 0 < number <= len(flow) else ""
        if question and answer.text.endswith(question):
            stripped = answer.model_copy(
                update={
                    "text": answer.text.removesuffix(question).rstrip(),
                    "asked_question": False,
                    "facts_used": [fact for fact in answer.facts_used if fact not in marks],
                }
            )
            return stripped, (question, marks)
    return answer, ("", [])
