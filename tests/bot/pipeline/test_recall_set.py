"""The frozen recall set is what it says: every recorded answer sentence is in its business's documents, every
needle in its sentence, six languages, questions no document answers for each business."""

from __future__ import annotations

import re

from knowledge.language import LANGUAGES
from tests.bot.pipeline.recall_run import shop_sentences
from tests.bot.pipeline.recall_set import QUESTIONS, SHOPS


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip()


def test_each_answer_sentence_is_in_the_documents_and_each_needle_in_its_sentence() -> None:
    for question in QUESTIONS:
        shop = SHOPS[question.shop]
        if question.kind == "document":
            texts = " ".join(_normal(document.text) for document in shop.documents)
            assert _normal(question.sentence) in texts, question.id
            assert _normal(question.needle) in _normal(question.sentence), question.id
            assert question.answer, question.id
        elif question.kind == "price":
            assert question.amount in shop.amounts, question.id
        else:
            assert question.kind == "unanswerable" and not question.sentence and not question.answer, question.id


def test_the_set_spans_six_languages_three_businesses_and_unanswerable_questions() -> None:
    assert len(QUESTIONS) >= 90
    assert len({q.id for q in QUESTIONS}) == len(QUESTIONS)
    assert {q.lang for q in QUESTIONS} == set(LANGUAGES)
    for shop in SHOPS:
        mine = [q for q in QUESTIONS if q.shop == shop]
        assert {q.lang for q in mine} == set(LANGUAGES), shop
        assert sum(q.kind == "unanswerable" for q in mine) >= 5, shop
        assert any("follow-up" in q.tags for q in mine), shop
    assert {shop.split for shop in SHOPS.values()} == {"tune", "untouched"}


def test_the_wrong_quote_check_reads_the_documents() -> None:
    # Sentences come from every document of a business, the PDF's included, so a quote can be recognised.
    sentences = shop_sentences(SHOPS["school"])
    assert any("host family from 180" in s for s in sentences)
    assert any("massimo di 10 studenti" in s for s in sentences)


async def test_offline_the_answer_is_found_and_sent_and_nothing_unsupported_is_said(db) -> None:
    from knowledge.retrieval import KnowledgeIndex
    from tests.bot.pipeline.recall_run import rows, run_set

    outcomes = await run_set(db, KnowledgeIndex())
    for split in ("tune", "untouched"):
        mine = [o for o in outcomes if SHOPS[o.question.shop].split == split]
        row = rows(mine, lambda o: o.question.lang)["all"]
        hits, asked = row.retrieval
        assert hits >= 0.9 * asked, (split, [o.question.id for o in mine if o.passage_hit is False])
        # A reply never states what the business did not write, nor an amount it never gave.
        assert row.unsupported == 0, [
            (o.question.id, o.unsupported_sent, o.wrong_amounts) for o in mine if o.unsupported_sent or o.wrong_amounts
        ]
    tune = [o for o in outcomes if SHOPS[o.question.shop].split == "tune"]
    row = rows(tune, lambda o: o.question.lang)["all"]
    # Offline, a question no sentence answers with confidence goes to a person: fewer answers than a guess would
    # give, and almost no sentence quoted that does not answer.
    assert row.answered[0] >= 0.6 * row.answered[1], [
        (o.question.id, o.reply) for o in tune if o.question.kind != "unanswerable" and not o.answered
    ]
    assert row.wrong_quotes <= 0.05 * row.answered[1], [
        (o.question.id, o.reply) for o in tune if o.quoted_wrong and not o.answered
    ]
    # A question no document answers is never answered with a sentence that does not answer it.
    assert row.declined[0] == row.declined[1], [
        (o.question.id, o.reply) for o in tune if o.quoted_wrong and o.question.kind == "unanswerable"
    ]
