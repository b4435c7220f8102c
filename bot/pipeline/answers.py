"""Answers from the tenant's documents: the one or two sentences that answer the question, not a chunk."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.pipeline.turn_view import clean_sentences
from bot.pipeline.text import content_words, detect_language, fold
from knowledge.concepts import concepts_in
from knowledge.models import Passage

# Concepts that only narrow a question ("on Saturday", "during the week"): they never answer one alone.
_QUALIFIERS = frozenset({"day_sat", "day_sun", "day_week", "duration"})
# Internal lines of campaign passages, which are for the model's reading, not for quoting.
_INTERNAL = re.compile(r"^(?:for|price of [^:]+|how to get [^:]+|contact [^:]+|goals of [^:]+|who [^:]+ serves):",
                       re.IGNORECASE)


@dataclass(frozen=True)
class DocumentAnswer:
    sentences: list[str]
    source: str
    lang: str  # the language the sentences are written in
    concepts: set[str]


@dataclass(frozen=True)
class _Scored:
    score: float
    index: int
    sentences: list[str]
    passage: Passage


def question_concepts(text: str) -> set[str]:
    return concepts_in(text)


def _sentence_score(sentence: str, asked: set[str], asked_words: frozenset[str], lang: str) -> tuple[float, set[str]]:
    folded = fold(sentence)
    found = concepts_in(folded, folded=True)
    topical = (asked - _QUALIFIERS) & found
    qualifiers = asked & _QUALIFIERS & found
    sentence_words = content_words(sentence, lang)
    overlap = asked_words & sentence_words
    score = 3.0 * len(topical) + 2.0 * len(qualifiers) + 1.0 * len(overlap)
    if asked & _QUALIFIERS and not qualifiers and topical:
        score -= 1.0  # asked about Saturday: a sentence about weekdays answers less well
    return score, found


def best_answer(question: str, context_text: str, passages: list[Passage], *, limit: int = 2,
                hidden: tuple[str, ...] = ()) -> DocumentAnswer | None:
    """The sentences of `passages` (none naming a `hidden` product, folded) that answer `question` best (the customer's earlier question, `context_text`,
    breaks ties for a follow-up). None when no sentence speaks of what was asked."""
    asked = question_concepts(question) or question_concepts(context_text)
    lang = detect_language(question)
    asked_words = content_words(question, lang) | content_words(question, "en")
    best: _Scored | None = None
    for rank, passage in enumerate(passages):
        if passage.source.startswith("campaign:"):
            continue
        # Never a sentence that names a product not offered on this channel.
        sentences = [s for s in clean_sentences(passage.text) if not _INTERNAL.match(s)
                     and not any(name in fold(s) for name in hidden)]
        doc_lang = detect_language(passage.text)
        for index, sentence in enumerate(sentences):
            if len(sentence.split()) < 3:
                continue  # a heading ("Refunds") says nothing by itself
            score, found = _sentence_score(sentence, asked, asked_words | content_words(question, doc_lang), doc_lang)
            if not (asked - _QUALIFIERS) & found and not (asked & found) and score < 2:
                continue
            score -= 0.05 * rank
            if best is None or score > best.score:
                best = _Scored(score, index, sentences, passage)
    if best is None or best.score < 2:
        return None
    chosen = [best.sentences[best.index]]
    if limit > 1 and best.index + 1 < len(best.sentences):
        following = best.sentences[best.index + 1]
        follow_concepts = concepts_in(following)
        # The next sentence belongs to the answer when it goes on about the same thing ("Closed on Sundays.").
        if len(following.split()) >= 3 and (follow_concepts & asked or (follow_concepts & concepts_in(chosen[0]) - _QUALIFIERS)):
            chosen.append(following)
    return DocumentAnswer(
        sentences=chosen, source=best.passage.source, lang=detect_language(" ".join(chosen), default="en"),
        concepts=asked,
    )

